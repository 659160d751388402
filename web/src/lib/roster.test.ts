import { describe, expect, it } from "vitest";
import { importContentType, ROSTER_COLUMNS, rosterTemplate } from "./roster";

describe("roster template", () => {
  it("has the importer's header and one example row of the institution", () => {
    const lines = rosterTemplate("12345").replace("\uFEFF", "").trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(ROSTER_COLUMNS.join(","));
    const row = (lines[1] as string).split(",");
    expect(row).toHaveLength(ROSTER_COLUMNS.length);
    expect(row[0]).toBe("12345");
  });

  it("picks the content type from the file name", () => {
    expect(importContentType("名单.csv")).toBe("text/csv");
    expect(importContentType("rows.NDJSON")).toBe("application/x-ndjson");
  });
});

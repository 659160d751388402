import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, formatTime, remaining, shortRef } from "./format";

describe("format", () => {
  it("shows times in the institution's zone", () => {
    expect(formatDateTime("2026-03-17T15:59:00Z", "zh-CN")).toContain("23:59");
    expect(formatDateTime("2026-03-17T15:59:00Z", "en")).toContain("Mar 17");
    expect(formatDateTime(null, "en")).toBe("—");
  });
  it("shows clock times with seconds in the institution's zone", () => {
    expect(formatTime("2026-03-17T15:59:07Z", "zh-CN")).toBe("23:59:07");
    expect(formatTime(null, "en")).toBe("—");
  });
  it("keeps calendar dates on their day", () => {
    expect(formatDay("2003-04-12", "zh-CN")).toBe("2003年4月12日");
    expect(formatDay("2003-04-12", "en")).toBe("April 12, 2003");
  });
  it("counts down to a deadline", () => {
    const now = Date.parse("2026-03-15T00:00:00Z");
    expect(remaining("2026-03-16T01:02:03Z", now)).toEqual({ days: 1, hours: 1, minutes: 2, seconds: 3, past: false });
    expect(remaining("2026-03-14T00:00:00Z", now).past).toBe(true);
  });
  it("gives short references", () => {
    expect(shortRef("5bc5032e-5668-40e3-82fc-1e9a1019c92f")).toBe("5BC5032E");
  });
});

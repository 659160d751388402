import { describe, expect, it } from "vitest";
import { MANIFEST_BY_CODE, MANIFEST_BY_IDENTITY, manifestTemplate } from "./manifest";

describe("manifest templates", () => {
  it("writes the header photos reads, then examples", () => {
    const identity = manifestTemplate("identity", "12345").replace("\uFEFF", "").trim().split("\r\n");
    expect(identity[0]).toBe(MANIFEST_BY_IDENTITY.join(","));
    expect(identity).toHaveLength(3);
    expect(identity[1]).toContain(",12345,");
    const code = manifestTemplate("code", null).replace("\uFEFF", "").trim().split("\r\n");
    expect(code[0]).toBe(MANIFEST_BY_CODE.join(","));
    expect(code).toHaveLength(2);
  });
});

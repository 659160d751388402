import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    const text = toCsv(["姓名", "备注"], [["张三", 'a,"b"'], ["=1+1", null]]);
    expect(text).toBe('\uFEFF姓名,备注\r\n张三,"a,""b"""\r\n\'=1+1,\r\n');
  });
});

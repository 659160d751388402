import { describe, expect, it } from "vitest";
import { chartRows, collegeRows, institutionRows, nextDeadline, shareConfirmed, stacked, studentsLeft } from "./progress";

const counts = (confirmed: number, pending: number, disputed = 0, missing = 0) => ({ confirmed, pending, disputed, missing });
const college = (institution_code: string, name: string, records: number, confirmed: number) => ({
  institution_code,
  college: name,
  records,
  graduation: counts(confirmed, records - confirmed),
  admission: counts(confirmed, records - confirmed),
});

describe("progress", () => {
  it("gives the share confirmed, and none without photos", () => {
    expect(shareConfirmed(counts(3, 1))).toBe(0.75);
    expect(shareConfirmed(counts(0, 0))).toBeNull();
  });
  it("counts the students left as the larger open kind", () => {
    expect(studentsLeft({ graduation: counts(5, 2, 1, 1), admission: counts(8, 1) })).toBe(3);
  });
  it("sums colleges per institution and lists an institution's colleges", () => {
    const colleges = [college("10001", "信息学院", 10, 5), college("10001", "经济学院", 4, 4), college("10002", "文学院", 6, 0)];
    const rows = institutionRows(colleges);
    expect(rows.map((r) => [r.label, r.records, r.counts.confirmed])).toEqual([["10001", 14, 18], ["10002", 6, 0]]);
    expect(collegeRows(colleges, "10001").map((r) => r.label)).toEqual(["信息学院", "经济学院"]);
  });
  it("keeps the biggest rows and shows those behind first", () => {
    const rows = collegeRows([college("1", "a", 10, 10), college("1", "b", 20, 2), college("1", "c", 1, 0)], "1");
    expect(chartRows(rows, 2).map((r) => r.label)).toEqual(["b", "a"]);
  });
  it("stacks the states per row", () => {
    const { categories, values } = stacked(collegeRows([college("1", "a", 2, 1)], "1"));
    expect(categories).toEqual(["a"]);
    expect(values.confirmed).toEqual([2]);
    expect(values.pending).toEqual([2]);
  });
  it("finds the next deadline", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const window = (cohort: string, confirm_until: string) => ({
      institution_code: "1", cohort, confirm_until, phase: "open" as const, recheck_from: confirm_until, recheck_until: confirm_until,
    });
    const windows = [window("2025", "2026-05-01T00:00:00+08:00"), window("2026", "2026-06-10T23:59:59+08:00"), window("2027", "2026-07-01T00:00:00+08:00")];
    expect(nextDeadline(windows, now)?.cohort).toBe("2026");
    expect(nextDeadline([windows[0]!], now)).toBeNull();
  });
});

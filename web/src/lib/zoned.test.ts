import { describe, expect, it } from "vitest";
import { fromShanghaiWallClock, strictlyIncreasing, toShanghaiWallClock } from "./zoned";

describe("Shanghai wall clock", () => {
  it("shows an instant as a clock in Shanghai shows it", () => {
    expect(toShanghaiWallClock("2026-03-17T15:59:00Z")).toBe("2026-03-17 23:59");
    expect(toShanghaiWallClock("2026-03-17T16:30:00Z")).toBe("2026-03-18 00:30");
    expect(toShanghaiWallClock(null)).toBeNull();
    expect(toShanghaiWallClock("not a time")).toBeNull();
  });

  it("reads a wall-clock time as +08:00", () => {
    expect(fromShanghaiWallClock("2026-03-17 23:59")).toBe("2026-03-17T23:59:00+08:00");
    expect(fromShanghaiWallClock("2026-03-17 23:59:30")).toBe("2026-03-17T23:59:30+08:00");
    expect(new Date(fromShanghaiWallClock("2026-03-18 00:30") as string).toISOString()).toBe("2026-03-17T16:30:00.000Z");
    expect(fromShanghaiWallClock("2026-02-30 10:00")).toBeNull();
    expect(fromShanghaiWallClock("")).toBeNull();
  });

  it("round-trips", () => {
    const iso = fromShanghaiWallClock("2026-12-31 08:05") as string;
    expect(toShanghaiWallClock(iso)).toBe("2026-12-31 08:05");
  });
});

describe("strictlyIncreasing", () => {
  it("checks deadline < re-check start < re-check end, skipping what is unset", () => {
    expect(strictlyIncreasing("2026-03-17T00:00:00Z", "2026-03-24T00:00:00Z", "2026-03-25T00:00:00Z")).toBe(true);
    expect(strictlyIncreasing("2026-03-24T00:00:00Z", "2026-03-24T00:00:00Z")).toBe(false);
    expect(strictlyIncreasing("2026-03-25T00:00:00Z", null, "2026-03-24T00:00:00Z")).toBe(false);
    expect(strictlyIncreasing("2026-03-17T00:00:00Z", null, null)).toBe(true);
  });
});

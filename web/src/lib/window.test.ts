import { describe, expect, it } from "vitest";
import { firstWindow, windowNow } from "./window";

const at = (iso: string) => new Date(iso).getTime();
const window = {
  phase: "open" as const,
  confirm_until: "2026-03-17T23:59:59+08:00",
  recheck_from: "2026-03-24T00:00:00+08:00",
  recheck_until: "2026-03-25T23:59:59+08:00",
};

describe("confirmation windows", () => {
  it("is open until the deadline, counting down to it", () => {
    expect(windowNow(window, at("2026-03-17T15:59:59Z"))).toEqual({ phase: "open", until: window.confirm_until, answering: true });
  });
  it("is closed between the deadline and the re-check, counting down to the re-check", () => {
    expect(windowNow(window, at("2026-03-17T16:00:00Z"))).toEqual({ phase: "closed", until: window.recheck_from, answering: false });
  });
  it("takes answers again in the re-check window, then is over", () => {
    expect(windowNow(window, at("2026-03-24T08:00:00+08:00"))).toMatchObject({ phase: "recheck", answering: true });
    expect(windowNow(window, at("2026-03-26T00:00:00+08:00"))).toEqual({ phase: "over", until: null, answering: false });
  });
  it("is open without a window, and over after a deadline without re-check", () => {
    expect(windowNow(null).phase).toBe("open");
    const noRecheck = { ...window, recheck_from: null, recheck_until: null };
    expect(windowNow(noRecheck, at("2026-04-01T00:00:00Z")).phase).toBe("over");
  });
  it("picks the window that still takes answers", () => {
    const closed = { window: { ...window, confirm_until: "2026-03-01T00:00:00Z" } };
    const open = { window };
    expect(firstWindow([closed, open], at("2026-03-10T00:00:00Z"))?.phase).toBe("open");
    expect(firstWindow([], at("2026-03-10T00:00:00Z"))).toBeNull();
  });
});

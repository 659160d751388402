// The confirmation window as the student lives it: open until the deadline, closed until the
// re-check starts, re-check until it ends, then over. Computed from the times on the clock
// so a countdown on screen turns over at the right moment without a reload.
import type { components } from "@/api/generated/photos";

type WindowTimes = components["schemas"]["WindowTimes"];
export type Phase = WindowTimes["phase"];

export interface WindowNow {
  phase: Phase;
  /** the moment the current phase ends (the countdown's target), null when none */
  until: string | null;
  /** answers (confirm / dispute) are taken now */
  answering: boolean;
}

const ms = (value: string | null): number | null => (value ? new Date(value).getTime() : null);

export function windowNow(window: WindowTimes | null | undefined, nowMs = Date.now()): WindowNow {
  if (!window) return { phase: "open", until: null, answering: true };
  const confirmUntil = ms(window.confirm_until);
  const recheckFrom = ms(window.recheck_from);
  const recheckUntil = ms(window.recheck_until);
  if (confirmUntil === null || nowMs <= confirmUntil) {
    return { phase: "open", until: window.confirm_until, answering: true };
  }
  if (recheckFrom === null || recheckUntil === null) return { phase: "over", until: null, answering: false };
  if (nowMs < recheckFrom) return { phase: "closed", until: window.recheck_from, answering: false };
  if (nowMs <= recheckUntil) return { phase: "recheck", until: window.recheck_until, answering: true };
  return { phase: "over", until: null, answering: false };
}

/** The most pressing window of several records (the first that still takes answers). */
export function firstWindow<T extends { window: WindowTimes }>(rows: T[], nowMs = Date.now()): WindowNow | null {
  const states = rows.map((r) => windowNow(r.window, nowMs));
  return states.find((s) => s.answering) ?? states[0] ?? null;
}

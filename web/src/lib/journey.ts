// Where a student stands in the procedure (注册 → 实名注册 → 学籍 → 图像校对 → 完成) and the one
// thing to do next, from what the services say about them.
import type { Phase } from "./window";

export type SlotStatus = "missing" | "pending" | "confirmed" | "disputed";

export interface JourneyFacts {
  /** identity's account status */
  accountStatus: "registered" | "email_verified" | "active";
  match: "matched" | "unmatched" | "pending" | null;
  /** every photo slot of every matched record */
  slots: SlotStatus[];
  phase: Phase;
  /** errata filed or approved, not yet rejected or applied */
  openErrata: number;
  /** identity cases (correction, dispute) waiting for support */
  openCases: number;
}

export type NextStep =
  | "realname"
  | "caseOpen"
  | "matching"
  | "notFound"
  | "checkPhotos"
  | "noPhoto"
  | "fileErratum"
  | "waitErratum"
  | "waitRecheck"
  | "closed"
  | "done";

export interface Journey {
  /** index of the current step: 1 实名注册, 2 学籍, 3 图像校对, 4 完成 (all done) */
  step: 1 | 2 | 3 | 4;
  next: NextStep;
}

function photoStep(f: JourneyFacts): NextStep {
  const answering = f.phase === "open" || f.phase === "recheck";
  if (f.slots.length > 0 && f.slots.every((s) => s === "confirmed")) return "done";
  if (answering && f.slots.includes("pending")) return "checkPhotos";
  if (f.openErrata > 0) return f.phase === "open" ? "waitErratum" : f.phase === "over" ? "closed" : "waitRecheck";
  if (f.phase === "closed") return "waitRecheck";
  if (f.phase === "over") return "closed";
  if (f.slots.length === 0 || f.slots.includes("missing")) return f.phase === "open" ? "noPhoto" : "waitRecheck";
  return f.phase === "open" ? "fileErratum" : "waitRecheck";
}

export function journey(f: JourneyFacts): Journey {
  if (f.accountStatus !== "active") return { step: 1, next: f.openCases > 0 ? "caseOpen" : "realname" };
  if (f.match !== "matched") {
    if (f.openCases > 0) return { step: 2, next: "caseOpen" };
    return { step: 2, next: f.match === "unmatched" ? "notFound" : "matching" };
  }
  const next = photoStep(f);
  return { step: next === "done" ? 4 : 3, next };
}

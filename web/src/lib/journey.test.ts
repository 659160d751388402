import { describe, expect, it } from "vitest";
import { journey, type JourneyFacts } from "./journey";

const base: JourneyFacts = { accountStatus: "active", match: "matched", slots: ["pending", "pending"], phase: "open", openErrata: 0, openCases: 0 };
const next = (facts: Partial<JourneyFacts>) => journey({ ...base, ...facts });

describe("the student's next step", () => {
  it("asks for the real name first, or waits for a dispute about the ID", () => {
    expect(next({ accountStatus: "email_verified", match: null })).toEqual({ step: 1, next: "realname" });
    expect(next({ accountStatus: "email_verified", openCases: 1 })).toEqual({ step: 1, next: "caseOpen" });
  });
  it("waits for matching, or explains that the record was not found", () => {
    expect(next({ match: "pending", slots: [] })).toEqual({ step: 2, next: "matching" });
    expect(next({ match: "unmatched", slots: [] })).toEqual({ step: 2, next: "notFound" });
    expect(next({ match: "unmatched", slots: [], openCases: 1 })).toEqual({ step: 2, next: "caseOpen" });
  });
  it("asks to check pending photos while answers are taken", () => {
    expect(next({})).toEqual({ step: 3, next: "checkPhotos" });
    expect(next({ slots: ["confirmed", "pending"], phase: "recheck" }).next).toBe("checkPhotos");
    expect(next({ slots: ["pending", "pending"], phase: "closed" }).next).toBe("waitRecheck");
  });
  it("sends a missing or disputed photo to the errata form, then waits for the office", () => {
    expect(next({ slots: ["missing", "confirmed"] }).next).toBe("noPhoto");
    expect(next({ slots: [] }).next).toBe("noPhoto");
    expect(next({ slots: ["confirmed", "disputed"] }).next).toBe("fileErratum");
    expect(next({ slots: ["confirmed", "disputed"], openErrata: 1 }).next).toBe("waitErratum");
    expect(next({ slots: ["confirmed", "disputed"], openErrata: 1, phase: "closed" }).next).toBe("waitRecheck");
    expect(next({ slots: ["confirmed", "missing"], phase: "over" }).next).toBe("closed");
  });
  it("is done when every photo is confirmed", () => {
    expect(next({ slots: ["confirmed", "confirmed"], phase: "over" })).toEqual({ step: 4, next: "done" });
  });
});

// Confirmation progress from photos' /v1/stats: shares, what is left, stacked-bar rows.
import type { components } from "@/api/generated/photos";

type SlotCounts = components["schemas"]["SlotCounts"];
type KindCounts = components["schemas"]["KindCounts"];
type CollegeProgress = components["schemas"]["CollegeProgress"];
type WindowRead = components["schemas"]["WindowRead"];

export const SLOT_STATES = ["confirmed", "pending", "disputed", "missing"] as const;
export type SlotState = (typeof SLOT_STATES)[number];

export function noCounts(): SlotCounts {
  return { missing: 0, pending: 0, confirmed: 0, disputed: 0 };
}

export function addCounts(a: SlotCounts, b: SlotCounts): SlotCounts {
  return {
    missing: a.missing + b.missing,
    pending: a.pending + b.pending,
    confirmed: a.confirmed + b.confirmed,
    disputed: a.disputed + b.disputed,
  };
}

/** Both photos of every student together (graduation + admission). */
export function slotsOf(kinds: KindCounts): SlotCounts {
  return addCounts(kinds.graduation, kinds.admission);
}

export function totalOf(counts: SlotCounts): number {
  return counts.missing + counts.pending + counts.confirmed + counts.disputed;
}

/** Confirmed photos of all photos; null when there are none (not 0 %). */
export function shareConfirmed(counts: SlotCounts): number | null {
  const total = totalOf(counts);
  return total ? counts.confirmed / total : null;
}

/** Students who still have a photo to answer or receive: at least the larger of the two
 *  kinds' open slots (a student may have both open). */
export function studentsLeft(kinds: KindCounts): number {
  const open = (c: SlotCounts) => c.pending + c.missing;
  return Math.max(open(kinds.graduation), open(kinds.admission));
}

export interface ProgressRow {
  label: string;
  counts: SlotCounts;
  records: number;
}

/** One row per institution, summed over its colleges. */
export function institutionRows(colleges: CollegeProgress[]): ProgressRow[] {
  const rows = new Map<string, ProgressRow>();
  for (const college of colleges) {
    const row = rows.get(college.institution_code) ?? { label: college.institution_code, counts: noCounts(), records: 0 };
    row.counts = addCounts(row.counts, slotsOf(college));
    row.records += college.records;
    rows.set(college.institution_code, row);
  }
  return [...rows.values()];
}

/** One row per college of an institution. */
export function collegeRows(colleges: CollegeProgress[], institution: string): ProgressRow[] {
  return colleges
    .filter((c) => c.institution_code === institution)
    .map((c) => ({ label: c.college, counts: slotsOf(c), records: c.records }));
}

/** The rows a chart has room for: the biggest `limit`, then those furthest behind first. */
export function chartRows(rows: ProgressRow[], limit: number): ProgressRow[] {
  const share = (row: ProgressRow) => shareConfirmed(row.counts) ?? 1;
  return [...rows]
    .sort((a, b) => b.records - a.records || a.label.localeCompare(b.label))
    .slice(0, limit)
    .sort((a, b) => share(a) - share(b) || a.label.localeCompare(b.label));
}

/** Stacked-bar data: the categories and one list of numbers per state. */
export function stacked(rows: ProgressRow[]): { categories: string[]; values: Record<SlotState, number[]> } {
  const values = Object.fromEntries(SLOT_STATES.map((s) => [s, rows.map((r) => r.counts[s])])) as Record<SlotState, number[]>;
  return { categories: rows.map((r) => r.label), values };
}

/** The confirmation deadline that comes next (an open window), or null. */
export function nextDeadline(windows: WindowRead[], nowMs = Date.now()): WindowRead | null {
  const upcoming = windows
    .filter((w) => Date.parse(w.confirm_until) > nowMs)
    .sort((a, b) => Date.parse(a.confirm_until) - Date.parse(b.confirm_until));
  return upcoming[0] ?? null;
}

// The machine photo checks' findings (DESIGN §9) in words: the message key of each finding
// with its measured value (and the national rule's range where the standard fixes one), which
// findings put a photo under the office's review, and a batch's files counted by them.
import { formatNumber, type Locale } from "./format";

export interface Finding {
  code: string;
  value?: number | string | null;
}

/** The photos service's `CheckSettings.blocking_codes`, plus the two codes it writes when it
 * could not check a photo at all (service_layer/checks.py `failed`): no usable face. */
export const BLOCKING_CODES: ReadonlySet<string> = new Set(["no_face", "several_faces", "unreadable", "image_missing", "check_failed"]);

/** Ranges of the national rules (教毕指〔2017〕99号), px of the 480×640 frame; the thresholds
 * the service chose itself (background, exposure, file size) are settings and not shown. */
const STANDARD: Readonly<Record<string, { min?: number; max?: number }>> = {
  face_too_small: { min: 180, max: 300 },
  face_too_large: { min: 180, max: 300 },
  eyes_out_of_range: { min: 200, max: 300 },
  head_top_out_of_range: { min: 50, max: 110 },
  jpeg_quality_low: { min: 60 },
};
const PIXELS = new Set(["face_too_small", "face_too_large", "face_off_centre", "eyes_out_of_range", "head_top_out_of_range"]);
const BYTES = new Set(["file_too_small", "file_too_large"]);

export interface FindingWords {
  /** under `common.finding.`; the caller falls back to `other` for a code it has no words for */
  key: string;
  params: Record<string, string>;
  blocking: boolean;
}

export const isBlocking = (f: Finding): boolean => BLOCKING_CODES.has(f.code);

function bytes(value: number, locale: Locale): string {
  const mib = value >= 1024 * 1024;
  const amount = Math.round((value / (mib ? 1024 * 1024 : 1024)) * 10) / 10;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(amount)} ${mib ? "MB" : "KB"}`;
}

/** The message key and its parameters for one finding, numbers in the locale's way. */
export function findingWords(f: Finding, locale: Locale): FindingWords {
  const params: Record<string, string> = {};
  let key = f.code;
  if (typeof f.value === "number") {
    const value = PIXELS.has(f.code) ? Math.round(f.value) : Math.round(f.value * 10) / 10;
    params.value = BYTES.has(f.code) ? bytes(f.value, locale) : formatNumber(value, locale);
    // which way the face sits from the centre line, as the viewer sees the photo
    if (f.code === "face_off_centre") {
      key = value < 0 ? "face_off_centre_left" : "face_off_centre_right";
      params.value = formatNumber(Math.abs(value), locale);
    }
  } else if (typeof f.value === "string") {
    params.value = f.code === "wrong_dimensions" ? f.value.replace(/x/i, "×") : f.value;
  }
  const range = STANDARD[f.code];
  if (range?.min !== undefined) params.min = formatNumber(range.min, locale);
  if (range?.max !== undefined) params.max = formatNumber(range.max, locale);
  return { key, params, blocking: isBlocking(f) };
}

/** A batch file's place in the machine checks: not a linked photo (never checked), waiting
 * for its check, checked without findings, with findings, or under review (a blocking one). */
export type CheckState = "unchecked" | "pending" | "clean" | "findings" | "blocking";

export interface CheckedFile {
  status: string;
  findings: Finding[] | null;
}

export function checkState(file: CheckedFile): CheckState {
  if (file.findings === null) return file.status === "linked" ? "pending" : "unchecked";
  if (file.findings.some(isBlocking)) return "blocking";
  return file.findings.length ? "findings" : "clean";
}

export type FileFilter = "all" | "findings" | "blocking";
export const FILE_FILTERS: readonly FileFilter[] = ["all", "findings", "blocking"];

export interface CheckCounts {
  all: number;
  /** files with any finding, blocking ones included */
  findings: number;
  blocking: number;
  pending: number;
  checked: number;
}

export function countChecks(files: readonly CheckedFile[]): CheckCounts {
  const counts: CheckCounts = { all: files.length, findings: 0, blocking: 0, pending: 0, checked: 0 };
  for (const file of files) {
    const state = checkState(file);
    if (state === "pending") counts.pending += 1;
    if (state === "clean" || state === "findings" || state === "blocking") counts.checked += 1;
    if (state === "findings" || state === "blocking") counts.findings += 1;
    if (state === "blocking") counts.blocking += 1;
  }
  return counts;
}

export function filterFiles<T extends CheckedFile>(files: readonly T[], filter: FileFilter): T[] {
  if (filter === "all") return [...files];
  return files.filter((file) => {
    const state = checkState(file);
    return filter === "blocking" ? state === "blocking" : state === "findings" || state === "blocking";
  });
}

// Mainland resident ID numbers (GB 11643, check digit ISO 7064 MOD 11-2), checked in the
// browser before the form is sent; identity checks the same rules again.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";
const REGION_FIRST_DIGITS = "1234568";

export type IdProblem = "id_number_invalid" | "birth_date_mismatch" | "gender_mismatch";

export interface ResidentId {
  number: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: "male" | "female";
}

/** Full-width characters folded, spaces dropped, the check letter upper-cased. */
export function normaliseIdNumber(raw: string): string {
  return raw.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

export function checkDigit(first17: string): string {
  const total = [...first17].reduce((sum, d, i) => sum + Number(d) * (WEIGHTS[i] ?? 0), 0);
  return CHECK_CHARS[total % 11] ?? "";
}

export function parseResidentId(raw: string): ResidentId | null {
  const number = normaliseIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(number) || !REGION_FIRST_DIGITS.includes(number[0] ?? "")) return null;
  if (number[17] !== checkDigit(number.slice(0, 17))) return null;
  const y = Number(number.slice(6, 10));
  const m = Number(number.slice(10, 12));
  const d = Number(number.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return null;
  return {
    number,
    birthDate: `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`,
    gender: Number(number[16]) % 2 === 1 ? "male" : "female",
  };
}

/** Why a resident ID is refused (and its agreement with birth date and gender when given), or null. */
export function checkResidentId(raw: string, birthDate?: string | null, gender?: string | null): IdProblem | null {
  const parsed = parseResidentId(raw);
  if (!parsed) return "id_number_invalid";
  if (birthDate && parsed.birthDate !== birthDate) return "birth_date_mismatch";
  if (gender && parsed.gender !== gender) return "gender_mismatch";
  return null;
}

/** Any ID type: resident IDs fully, the others by a plausible shape (5–20 letters and digits). */
export function checkIdNumber(idType: string, raw: string, birthDate?: string | null, gender?: string | null): IdProblem | null {
  if (idType === "resident_id") return checkResidentId(raw, birthDate, gender);
  return /^[A-Z0-9]{5,20}$/.test(normaliseIdNumber(raw)) ? null : "id_number_invalid";
}

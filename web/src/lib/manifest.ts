// The two forms of a photo batch manifest (DESIGN §3 photos) as templates: by identity
// (institution, name, ID, student number) or by the collection code a student shows.
import { toCsv } from "./csv";

export const MANIFEST_BY_IDENTITY = ["file", "kind", "institution_code", "name", "id_type", "id_number", "student_number"] as const;
export const MANIFEST_BY_CODE = ["file", "kind", "collection_code"] as const;

export function manifestTemplate(form: "identity" | "code", institutionCode: string | null | undefined): string {
  if (form === "code") {
    return toCsv(MANIFEST_BY_CODE, [["20220001-graduation.jpg", "graduation", "（学生出示的采集码）"]]);
  }
  return toCsv(MANIFEST_BY_IDENTITY, [
    ["20220001-graduation.jpg", "graduation", institutionCode || "10001", "王小红", "resident_id", "110101200405170029", "20220001"],
    ["20220001-admission.jpg", "admission", institutionCode || "10001", "王小红", "resident_id", "110101200405170029", "20220001"],
  ]);
}

// A student-status record as people read it: the fields in the order of the 学信档案 card,
// each with the message key of its label and how its value is written (a word from the
// shared vocabulary, a calendar date, years, or the text itself). Internal fields (record id,
// update time) are left out.
import type { components as Corrections } from "@/api/generated/corrections";
import type { components } from "@/api/generated/records";

export type RecordRead = components["schemas"]["RecordRead"];
export type Vocab = "gender" | "idType" | "level" | "educationType" | "studyForm" | "recordStatus";

export type RecordCell =
  | { field: string; kind: "text"; value: string | null }
  | { field: string; kind: "vocab"; vocab: Vocab; value: string }
  | { field: string; kind: "day"; value: string | null }
  | { field: string; kind: "years"; value: number | null };

export function recordCells(r: RecordRead): RecordCell[] {
  return [
    { field: "name", kind: "text", value: r.name },
    { field: "gender", kind: "vocab", vocab: "gender", value: r.gender },
    { field: "ethnicity", kind: "text", value: r.ethnicity },
    { field: "birth_date", kind: "day", value: r.birth_date },
    { field: "id_type", kind: "vocab", vocab: "idType", value: r.id_type },
    { field: "id_number", kind: "text", value: r.id_number_masked },
    { field: "exam_number", kind: "text", value: r.exam_number },
    { field: "student_number", kind: "text", value: r.student_number },
    { field: "institution_name", kind: "text", value: r.institution_name },
    { field: "branch", kind: "text", value: r.branch },
    { field: "department", kind: "text", value: r.department },
    { field: "major", kind: "text", value: r.major },
    { field: "class_name", kind: "text", value: r.class_name },
    { field: "level", kind: "vocab", vocab: "level", value: r.level },
    { field: "duration_years", kind: "years", value: r.duration_years },
    { field: "education_type", kind: "vocab", vocab: "educationType", value: r.education_type },
    { field: "study_form", kind: "vocab", vocab: "studyForm", value: r.study_form },
    { field: "enrollment_date", kind: "day", value: r.enrollment_date },
    { field: "status", kind: "vocab", vocab: "recordStatus", value: r.status },
    { field: "cohort", kind: "text", value: r.cohort },
  ];
}

/** The fields a student may ask to correct (数据检查勘误表) and the photo items. */
export const CORRECTABLE = [
  "name", "gender", "birth_date", "ethnicity", "id_number", "student_number", "exam_number",
  "department", "major", "class_name", "level", "education_type", "study_form", "enrollment_date",
  "graduation_photo", "admission_photo",
] as const satisfies readonly Corrections["schemas"]["ErratumItemRead"]["field"][];
export type CorrectableField = (typeof CORRECTABLE)[number];

/** How the correct value is entered: a choice of words, a date, free text. */
export function inputKind(field: CorrectableField): { kind: "vocab"; vocab: Vocab } | { kind: "day" } | { kind: "text" } {
  if (field === "gender") return { kind: "vocab", vocab: "gender" };
  if (field === "level") return { kind: "vocab", vocab: "level" };
  if (field === "education_type") return { kind: "vocab", vocab: "educationType" };
  if (field === "study_form") return { kind: "vocab", vocab: "studyForm" };
  if (field === "birth_date" || field === "enrollment_date") return { kind: "day" };
  return { kind: "text" };
}

/** The record's current value of a correctable field, to prefill the form (ID numbers stay masked). */
export function currentValue(r: RecordRead | null | undefined, field: CorrectableField): string {
  if (!r || field === "graduation_photo" || field === "admission_photo") return "";
  if (field === "id_number") return r.id_number_masked;
  const value = r[field];
  return value == null ? "" : String(value);
}

// The registry import file: its columns (DESIGN §3 records), a template to fill in, and the
// rejected rows as a spreadsheet people can work through.
import { toCsv } from "./csv";

export const ROSTER_COLUMNS = [
  "institution_code", "institution_name", "student_number", "exam_number", "name", "gender",
  "ethnicity", "birth_date", "id_type", "id_number", "branch", "department", "major", "class_name",
  "level", "duration_years", "education_type", "study_form", "enrollment_date", "status", "cohort",
] as const;

export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** One filled-in example row (a valid resident ID for its birth date and gender). */
export function exampleRow(institutionCode: string | null | undefined): Record<RosterColumn, string> {
  return {
    institution_code: institutionCode || "10001",
    institution_name: "示范大学",
    student_number: "20220001",
    exam_number: "22110101000001",
    name: "王小红",
    gender: "female",
    ethnicity: "汉族",
    birth_date: "2004-05-17",
    id_type: "resident_id",
    id_number: "110101200405170029",
    branch: "信息学院",
    department: "计算机系",
    major: "计算机科学与技术",
    class_name: "2022级1班",
    level: "bachelor",
    duration_years: "4",
    education_type: "regular",
    study_form: "full_time",
    enrollment_date: "2022-09-01",
    status: "enrolled",
    cohort: "2026",
  };
}

/** The template: the header row the importer reads, then the example row. */
export function rosterTemplate(institutionCode: string | null | undefined): string {
  const example = exampleRow(institutionCode);
  return toCsv(ROSTER_COLUMNS, [ROSTER_COLUMNS.map((c) => example[c])]);
}

/** The content type the importer expects for a chosen file. */
export function importContentType(fileName: string): "text/csv" | "application/x-ndjson" {
  return /\.(ndjson|jsonl)$/i.test(fileName) ? "application/x-ndjson" : "text/csv";
}

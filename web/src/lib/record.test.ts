import { describe, expect, it } from "vitest";
import { CORRECTABLE, currentValue, inputKind, recordCells, type RecordRead } from "./record";

const record: RecordRead = {
  record_id: "5f0c8d7e-1111-2222-3333-444455556666", institution_code: "10001", institution_name: "示范大学",
  student_number: "S001", exam_number: null, name: "王芳", gender: "female", gender_label: "女", ethnicity: "汉族",
  birth_date: "2003-03-09", id_type: "resident_id", id_number_masked: "110101********1234", branch: "信息学院",
  department: "计算机系", major: "软件工程", class_name: "1班", level: "bachelor", level_label: "本科", duration_years: 4,
  education_type: "regular", education_type_label: "普通", study_form: "full_time", study_form_label: "普通全日制",
  enrollment_date: "2022-09-01", status: "enrolled", status_label: "在籍", cohort: "2026", updated_at: "2026-03-01T00:00:00Z",
};

describe("record cards", () => {
  it("lists every field people read, never the internal ones", () => {
    const fields = recordCells(record).map((c) => c.field);
    expect(fields).toContain("id_number");
    expect(fields).not.toContain("record_id");
    expect(fields).not.toContain("updated_at");
    expect(recordCells(record).find((c) => c.field === "id_number")?.value).toBe("110101********1234");
  });
  it("writes coded values as words from the vocabulary", () => {
    expect(recordCells(record).find((c) => c.field === "study_form")).toEqual({ field: "study_form", kind: "vocab", vocab: "studyForm", value: "full_time" });
  });
  it("prefills the errata form from the record", () => {
    expect(currentValue(record, "major")).toBe("软件工程");
    expect(currentValue(record, "duration_years" as never)).toBe("4");
    expect(currentValue(record, "exam_number")).toBe("");
    expect(currentValue(record, "id_number")).toBe("110101********1234");
    expect(currentValue(record, "graduation_photo")).toBe("");
    expect(currentValue(null, "major")).toBe("");
  });
  it("offers a choice for coded fields and a date for dates", () => {
    expect(inputKind("level")).toEqual({ kind: "vocab", vocab: "level" });
    expect(inputKind("enrollment_date")).toEqual({ kind: "day" });
    expect(inputKind("major")).toEqual({ kind: "text" });
    expect(CORRECTABLE).toHaveLength(16);
  });
});

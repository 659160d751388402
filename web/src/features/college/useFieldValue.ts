// A record field's value as words: vocabulary codes in the current language, calendar dates
// formatted, empty as a dash. Shared by the errata queue, its export and the record card.
import { useI18n } from "vue-i18n";
import { useFormat } from "@/composables/useFormat";

const VOCABULARY: Record<string, string> = {
  gender: "common.gender",
  level: "common.level",
  education_type: "common.educationType",
  study_form: "common.studyForm",
  status: "common.recordStatus",
  id_type: "common.idType",
};
const DAYS = new Set(["birth_date", "enrollment_date"]);

export function useFieldValue() {
  const { t, te } = useI18n();
  const { day } = useFormat();

  function fieldLabel(field: string): string {
    return te(`common.field.${field}`) ? t(`common.field.${field}`) : t("common.field.photo");
  }

  function valueText(field: string, value: string | number | null | undefined): string {
    if (value == null || value === "") return "—";
    const text = String(value);
    const vocabulary = VOCABULARY[field];
    if (vocabulary && te(`${vocabulary}.${text}`)) return t(`${vocabulary}.${text}`);
    if (DAYS.has(field)) return day(text);
    if (field === "duration_years") return t("common.years", { n: Number(text) });
    return text;
  }

  return { fieldLabel, valueText };
}

export function isPhotoField(field: string): field is "graduation_photo" | "admission_photo" {
  return field === "graduation_photo" || field === "admission_photo";
}

export function photoImageUrl(photoId: string | null | undefined): string | null {
  return photoId ? `/api/photos/v1/photos/${encodeURIComponent(photoId)}/image` : null;
}

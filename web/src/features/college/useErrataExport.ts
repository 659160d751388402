// The (filtered) errata queue as a spreadsheet: one line per corrected item, Chinese headers.
import { useI18n } from "vue-i18n";
import { useFormat } from "@/composables/useFormat";
import { downloadText, toCsv } from "@/lib/csv";
import { shortRef } from "@/lib/format";
import { isPhotoField, useFieldValue } from "./useFieldValue";
import type { Erratum } from "./useErrataQueue";

export function useErrataExport() {
  const { t } = useI18n();
  const { dateTime } = useFormat();
  const { fieldLabel, valueText } = useFieldValue();

  function csvOf(errata: Erratum[]): string {
    const header = ["ref", "student", "studentNumber", "college", "className", "field", "old", "correct", "status", "filed", "decided", "reason"].map(
      (key) => t(`college.errata.csv.${key}`),
    );
    const lines = errata.flatMap((e) =>
      e.items.map((item) => [
        shortRef(e.erratum_id),
        e.student_name ?? "",
        e.student_number ?? "",
        e.college,
        e.class_name ?? "",
        fieldLabel(item.field),
        isPhotoField(item.field) ? "" : valueText(item.field, item.old_value),
        isPhotoField(item.field) ? item.correct_value ?? "" : valueText(item.field, item.correct_value ?? item.correct_value_masked),
        t(`college.errata.status.${e.status}`),
        dateTime(e.filed_at),
        e.decided_at ? dateTime(e.decided_at) : "",
        e.status === "rejected" ? e.reason ?? "" : "",
      ]),
    );
    return toCsv(header, lines);
  }

  function download(errata: Erratum[]): void {
    const stamp = new Date().toISOString().slice(0, 10);
    downloadText(`${t("college.errata.exportFile")}-${stamp}.csv`, csvOf(errata));
  }

  return { csvOf, download };
}

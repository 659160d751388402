// A rejected roster row as people read it: the column's label and a sentence per error code
// (codes of services/records' domain/rows.py and the import itself), and as a spreadsheet.
import { useI18n } from "vue-i18n";
import { downloadText, toCsv } from "@/lib/csv";
import type { ImportError } from "./useRosterImport";

export function useImportErrors() {
  const { t, te } = useI18n();

  const fieldText = (e: ImportError): string =>
    e.field && te(`common.field.${e.field}`) ? t(`common.field.${e.field}`) : t("registrar.imports.wholeLine");
  const messageText = (e: ImportError): string =>
    te(`registrar.imports.rowError.${e.code}`) ? t(`registrar.imports.rowError.${e.code}`) : t("registrar.imports.rowError.unknown");

  function download(errors: ImportError[]): void {
    const header = [t("registrar.imports.col.line"), t("registrar.imports.col.field"), t("registrar.imports.col.message")];
    const text = toCsv(header, errors.map((e) => [e.line, fieldText(e), messageText(e)]));
    downloadText(`${t("registrar.imports.errorsFile")}.csv`, text);
  }

  return { fieldText, messageText, download };
}

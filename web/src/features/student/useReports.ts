// The student's verification reports: issue, extend, close, download (PDFs are fetched with
// the session's token and handed to the browser as a file).
import { reactive, ref } from "vue";
import { useI18n } from "vue-i18n";
import { data, fetchBlob, records, reports } from "@/api/clients";
import type { components } from "@/api/generated/reports";
import { useFormat } from "@/composables/useFormat";
import { useProblem } from "@/composables/useProblem";
import type { RecordRead } from "@/lib/record";

export type Report = components["schemas"]["ReportRead"];
export type Months = 1 | 3 | 6;

export function useReports() {
  const { t } = useI18n();
  const { dateTime } = useFormat();
  const { messageOf } = useProblem();
  const recordList = ref<RecordRead[]>([]);
  const list = ref<Report[]>([]);
  const loading = ref(true);
  const busy = ref(false);
  const error = ref<string | null>(null);
  const notice = ref<string | null>(null);
  const form = reactive({ recordId: "", months: 1 as Months });

  async function run(work: () => Promise<void>): Promise<void> {
    error.value = null;
    notice.value = null;
    busy.value = true;
    try {
      await work();
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      busy.value = false;
    }
  }

  async function load(): Promise<void> {
    await run(async () => {
      const [found, mine] = await Promise.all([records.GET("/v1/me/records").then(data), reports.GET("/v1/me/reports").then(data)]);
      recordList.value = found;
      list.value = mine;
      if (!form.recordId) form.recordId = found[0]?.record_id ?? "";
    });
    loading.value = false;
  }

  const replace = (r: Report) => (list.value = list.value.map((x) => (x.report_id === r.report_id ? r : x)));

  const create = () =>
    run(async () => {
      const r = data(await reports.POST("/v1/me/reports", { body: { record_id: form.recordId, months: form.months } }));
      list.value = [r, ...list.value];
      notice.value = t("reports.mine.created", { code: r.code });
    });

  const extend = (r: Report, months: Months) =>
    run(async () => {
      const params = { path: { report_id: r.report_id } };
      const updated = data(await reports.POST("/v1/me/reports/{report_id}/extend", { params, body: { months } }));
      replace(updated);
      notice.value = t("reports.mine.extended", { until: dateTime(updated.valid_until) });
    });

  const close = (r: Report) =>
    run(async () => {
      replace(data(await reports.POST("/v1/me/reports/{report_id}/close", { params: { path: { report_id: r.report_id } } })));
      notice.value = t("reports.mine.closed");
    });

  const download = (r: Report, lang: "zh" | "en") =>
    run(async () => {
      const url = URL.createObjectURL(await fetchBlob(r.pdf[lang]));
      const a = Object.assign(document.createElement("a"), { href: url, download: `report-${r.code}-${lang}.pdf` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  return { recordList, list, loading, busy, error, notice, form, load, create, extend, close, download };
}

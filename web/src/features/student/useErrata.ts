// The errata form (数据检查勘误表) and the student's errata: items prefilled from the record,
// values written as words, and each erratum's timeline.
import { computed, reactive, ref, watch } from "vue";
import { useI18n } from "vue-i18n";
import { useRoute } from "vue-router";
import { corrections, data, photos, records } from "@/api/clients";
import type { components } from "@/api/generated/corrections";
import { useFormat } from "@/composables/useFormat";
import { useProblem } from "@/composables/useProblem";
import { shortRef } from "@/lib/format";
import { CORRECTABLE, currentValue, inputKind, type CorrectableField, type RecordRead } from "@/lib/record";
import { windowNow } from "@/lib/window";

type Erratum = components["schemas"]["ErratumRead"];
interface Item { field: CorrectableField | ""; value: string }
const isField = (v: unknown): v is CorrectableField => CORRECTABLE.includes(v as CorrectableField);

export function useErrata() {
  const { t, te, tm } = useI18n();
  const { day } = useFormat();
  const { messageOf } = useProblem();
  const route = useRoute();
  const recordList = ref<RecordRead[]>([]);
  const mine = ref<Erratum[]>([]);
  const open = ref(true);
  const loading = ref(true);
  const error = ref<string | null>(null);
  const filed = ref<string | null>(null);
  const busy = ref(false);
  const form = reactive({ recordId: "", items: [] as Item[], note: "" });
  const record = computed(() => recordList.value.find((r) => r.record_id === form.recordId) ?? null);

  async function load(): Promise<void> {
    try {
      const [found, errata, mine2] = await Promise.all([
        records.GET("/v1/me/records").then(data), corrections.GET("/v1/me/errata").then(data), photos.GET("/v1/me/photos").then(data),
      ]);
      recordList.value = found;
      mine.value = errata;
      const wanted = typeof route.query.record === "string" ? route.query.record : "";
      if (!form.recordId) form.recordId = found.find((r) => r.record_id === wanted)?.record_id ?? found[0]?.record_id ?? "";
      const w = mine2.find((p) => p.record_id === form.recordId)?.window;
      open.value = windowNow(w).phase === "open";
      if (!form.items.length) form.items.push({ field: isField(route.query.field) ? route.query.field : "", value: "" });
      form.items.forEach((item) => item.field && !item.value && (item.value = currentValue(record.value, item.field)));
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      loading.value = false;
    }
  }

  function pick(item: Item): void {
    item.value = item.field ? currentValue(record.value, item.field) : "";
  }
  watch(() => form.recordId, () => form.items.forEach(pick));
  const used = computed(() => new Set(form.items.map((i) => i.field)));

  async function submit(): Promise<void> {
    error.value = null;
    filed.value = null;
    const items = form.items.filter((i) => i.field);
    if (!items.length) return void (error.value = t("problems.code.items_required"));
    busy.value = true;
    try {
      const answer = data(await corrections.POST("/v1/errata", {
        body: { record_id: form.recordId, items: items.map((i) => ({ field: i.field, correct_value: i.value.trim() || null })), note: form.note.trim() || null },
      }));
      filed.value = t("student.errata.filed", { ref: shortRef(answer.erratum_id) });
      form.items = [{ field: "", value: "" }];
      form.note = "";
      mine.value = data(await corrections.GET("/v1/me/errata"));
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      busy.value = false;
    }
  }

  /** An item's value as people read it (codes as words, dates as dates; photo ids never). */
  function valueText(field: string, value: string | null): string {
    if (!value) return "—";
    if (!isField(field)) return value;
    const kind = inputKind(field);
    if (kind.kind === "vocab") return te(`common.${kind.vocab}.${value}`) ? t(`common.${kind.vocab}.${value}`) : value;
    return kind.kind === "day" ? day(value) : value;
  }
  const isPhoto = (field: string) => field === "graduation_photo" || field === "admission_photo";
  const currentText = (field: CorrectableField) => valueText(field, currentValue(record.value, field) || null);
  const choices = (vocab: string) => Object.keys(tm(`common.${vocab}`) as Record<string, unknown>);

  return { recordList, mine, open, loading, error, filed, busy, form, record, used, load, pick, submit, valueText, currentText, isPhoto, choices };
}

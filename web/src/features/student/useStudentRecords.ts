// The student's records with the graduation photo of each, and each field as people read it.
import { ref } from "vue";
import { useI18n } from "vue-i18n";
import { data, photos, records } from "@/api/clients";
import { useFormat } from "@/composables/useFormat";
import { useProblem } from "@/composables/useProblem";
import { recordCells, type RecordCell, type RecordRead } from "@/lib/record";

export function useStudentRecords() {
  const { t } = useI18n();
  const { day } = useFormat();
  const { messageOf } = useProblem();
  const list = ref<RecordRead[]>([]);
  const photoOf = ref<Record<string, string | null>>({});
  const loading = ref(true);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    try {
      const [found, mine] = await Promise.all([records.GET("/v1/me/records").then(data), photos.GET("/v1/me/photos").then(data)]);
      list.value = found;
      photoOf.value = Object.fromEntries(mine.map((p) => [p.record_id, p.graduation.image_url]));
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      loading.value = false;
    }
  }

  function text(cell: RecordCell): string {
    if (cell.kind === "vocab") return t(`common.${cell.vocab}.${cell.value}`);
    if (cell.kind === "day") return day(cell.value);
    if (cell.kind === "years") return cell.value == null ? "—" : t("common.years", { n: cell.value });
    return cell.value || "—";
  }
  const rows = (r: RecordRead) => recordCells(r).map((c) => ({ label: t(`common.field.${c.field}`), value: text(c), field: c.field }));

  return { list, photoOf, loading, error, load, rows };
}

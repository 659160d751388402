// Support's queue: one kind at a time, filtered by status, paged, with counts per status.
import { ref, shallowRef, watch } from "vue";
import { listCases, type CaseKind, type CasePage, type CaseStatus } from "./supportApi";

export const PAGE_SIZE = 20;

export function useSupportCases() {
  const kind = ref<CaseKind>("correction");
  const status = ref<CaseStatus | "all">("open");
  const pageNo = ref(1);
  const answer = shallowRef<CasePage | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      answer.value = await listCases(kind.value, {
        status: status.value === "all" ? undefined : status.value,
        limit: PAGE_SIZE,
        offset: (pageNo.value - 1) * PAGE_SIZE,
      });
      error.value = null;
    } catch (problem) {
      error.value = problem;
    } finally {
      loading.value = false;
    }
  }

  watch([kind, status], () => {
    if (pageNo.value !== 1) pageNo.value = 1; // the page watch loads
    else void load();
  });
  watch(pageNo, () => void load());

  return { kind, status, pageNo, answer, loading, error, load };
}

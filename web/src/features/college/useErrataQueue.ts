// The office's errata queue: filters, one page at a time with counts per status, decisions
// (one call per erratum, a batch reports what succeeded) and every filtered row for export.
import { reactive, ref } from "vue";
import { corrections, data } from "@/api/clients";
import type { components } from "@/api/generated/corrections";

export type Erratum = components["schemas"]["ErratumRead"];
export type ErratumStatus = Erratum["status"];
export type ErratumCounts = components["schemas"]["ErratumCounts"];
export const STATUSES: ErratumStatus[] = ["filed", "approved", "rejected", "applied"];
const EXPORT_PAGE = 500;

export interface BatchOutcome {
  ok: Erratum[];
  failed: { erratum: Erratum; error: unknown }[];
}

export function useErrataQueue() {
  const filters = reactive({ status: "filed" as ErratumStatus | "all", college: "", className: "", q: "" });
  const page = ref(1);
  const pageSize = ref(20);
  const rows = ref<Erratum[]>([]);
  const total = ref(0);
  const counts = ref<ErratumCounts | null>(null);
  const loading = ref(false);

  function query(offset: number, limit: number) {
    return {
      status: filters.status === "all" ? undefined : filters.status,
      college: filters.college.trim() || undefined,
      class_name: filters.className.trim() || undefined,
      q: filters.q.trim() || undefined,
      offset,
      limit,
    };
  }

  async function fetchPage(offset: number, limit: number) {
    return data(await corrections.GET("/v1/errata", { params: { query: query(offset, limit) } }));
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const answer = await fetchPage((page.value - 1) * pageSize.value, pageSize.value);
      rows.value = answer.items;
      total.value = answer.total;
      counts.value = answer.counts;
    } finally {
      loading.value = false;
    }
  }

  /** From the first page again (after a filter changed). */
  async function search(): Promise<void> {
    page.value = 1;
    await load();
  }

  /** Every row the filters select, for the export. */
  async function everyRow(): Promise<Erratum[]> {
    const all: Erratum[] = [];
    for (;;) {
      const answer = await fetchPage(all.length, EXPORT_PAGE);
      all.push(...answer.items);
      if (answer.items.length < EXPORT_PAGE || all.length >= answer.total) return all;
    }
  }

  async function approve(erratum: Erratum): Promise<Erratum> {
    return data(await corrections.POST("/v1/errata/{erratum_id}/approve", { params: { path: { erratum_id: erratum.erratum_id } } }));
  }

  async function reject(erratum: Erratum, reason: string): Promise<Erratum> {
    return data(
      await corrections.POST("/v1/errata/{erratum_id}/reject", {
        params: { path: { erratum_id: erratum.erratum_id } },
        body: { reason },
      }),
    );
  }

  async function approveMany(selected: Erratum[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { ok: [], failed: [] };
    for (const erratum of selected) {
      try {
        outcome.ok.push(await approve(erratum));
      } catch (error) {
        outcome.failed.push({ erratum, error });
      }
    }
    return outcome;
  }

  return { filters, page, pageSize, rows, total, counts, loading, load, search, everyRow, approve, reject, approveMany };
}

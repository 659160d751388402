// A roster import from the registrar's side: upload with progress, then the service's
// processing progress (polled until done), the rejected rows, and the recent imports.
import { computed, ref } from "vue";
import { data, records } from "@/api/clients";
import type { components } from "@/api/generated/records";
import { upload } from "@/api/upload";
import { usePolling } from "@/composables/usePolling";
import { importContentType } from "@/lib/roster";

export type ImportRead = components["schemas"]["ImportRead"];
export type ImportSummary = components["schemas"]["ImportSummary"];
export type ImportError = components["schemas"]["ImportError"];
type ImportAccepted = components["schemas"]["ImportAccepted"];
/** rows with problems shown on the page; the download has them all */
export const SHOWN_ERRORS = 200;
const ERRORS_PAGE = 10000;

export function useRosterImport() {
  const uploadFraction = ref<number | null>(null);
  const current = ref<ImportRead | null>(null);
  const recent = ref<ImportSummary[]>([]);
  const active = computed(() => current.value?.status === "pending" || current.value?.status === "running");

  async function open(importId: string): Promise<void> {
    current.value = data(
      await records.GET("/v1/imports/{import_id}", { params: { path: { import_id: importId }, query: { errors_limit: SHOWN_ERRORS } } }),
    );
  }

  async function loadRecent(): Promise<void> {
    recent.value = data(await records.GET("/v1/imports", { params: { query: { limit: 10 } } })).items;
  }

  async function start(file: File): Promise<void> {
    uploadFraction.value = 0;
    try {
      const answer = await upload<ImportAccepted>("/api/records/v1/imports", file, {
        contentType: importContentType(file.name),
        onProgress: (fraction) => (uploadFraction.value = fraction),
      });
      await open(answer.import_id);
      await loadRecent();
    } finally {
      uploadFraction.value = null;
    }
  }

  /** Every rejected row the service kept, for the download. */
  async function allErrors(): Promise<ImportError[]> {
    const id = current.value?.import_id;
    if (!id) return [];
    const all: ImportError[] = [];
    for (;;) {
      const page = data(
        await records.GET("/v1/imports/{import_id}", {
          params: { path: { import_id: id }, query: { errors_offset: all.length, errors_limit: ERRORS_PAGE } },
        }),
      );
      all.push(...page.errors);
      if (page.errors.length < ERRORS_PAGE || all.length >= page.errors_kept) return all;
    }
  }

  // while an import runs, its progress each second; a failed poll is tried again next time
  const polling = usePolling(async () => {
    if (active.value && current.value) {
      await open(current.value.import_id);
      if (!active.value) await loadRecent();
    } else if (!recent.value.length) {
      await loadRecent();
    }
  }, 1000);

  return { uploadFraction, current, recent, active, open, start, allErrors, loadRecent, polling };
}

// A photo batch from the uploader's side: manifest + archive uploaded with progress, the
// batch polled until processed, the recent batches and the photos that stayed unlinked.
import { computed, ref } from "vue";
import { data, photos } from "@/api/clients";
import type { components } from "@/api/generated/photos";
import { upload } from "@/api/upload";
import { usePolling } from "@/composables/usePolling";

export type BatchRead = components["schemas"]["BatchRead"];
export type BatchSummary = components["schemas"]["BatchSummary"];
export type BatchFile = components["schemas"]["BatchFileRead"];
export type UnlinkedPhoto = components["schemas"]["UnlinkedPhotoRead"];
type BatchAccepted = components["schemas"]["BatchAccepted"];
const CHECK_POLL_TICKS = 5;

export function usePhotoBatch() {
  const uploadFraction = ref<number | null>(null);
  const current = ref<BatchRead | null>(null);
  const recent = ref<BatchSummary[]>([]);
  const unlinked = ref<UnlinkedPhoto[]>([]);
  const unlinkedTotal = ref(0);
  const unlinkedPage = ref(1);
  const active = computed(() => current.value?.status === "processing");

  async function open(batchId: string): Promise<void> {
    current.value = data(await photos.GET("/v1/batches/{batch_id}", { params: { path: { batch_id: batchId } } }));
  }

  async function loadLists(): Promise<void> {
    const [batches, photosPage] = await Promise.all([
      photos.GET("/v1/batches", { params: { query: { limit: 10 } } }),
      photos.GET("/v1/photos", { params: { query: { status: "unlinked", limit: 20, offset: (unlinkedPage.value - 1) * 20 } } }),
    ]);
    recent.value = data(batches).items;
    const page = data(photosPage);
    unlinked.value = page.items;
    unlinkedTotal.value = page.total;
  }

  async function start(manifest: File, archive: File): Promise<void> {
    const form = new FormData();
    form.append("manifest", manifest, manifest.name);
    form.append("archive", archive, archive.name);
    uploadFraction.value = 0;
    try {
      const answer = await upload<BatchAccepted>("/api/photos/v1/batches", form, {
        onProgress: (fraction) => (uploadFraction.value = fraction),
      });
      await open(answer.batch_id);
      await loadLists();
    } finally {
      uploadFraction.value = null;
    }
  }

  // linked photos whose machine check has not run yet (their findings come later)
  const checking = computed(() => current.value?.files.some((f) => f.status === "linked" && f.findings === null) ?? false);
  let ticks = 0;

  // while a batch is processed, its files each second; the lists again once it is done; then,
  // while its photos wait for their checks, the batch every 5 s (a long queue takes minutes)
  const polling = usePolling(async () => {
    ticks += 1;
    if (active.value && current.value) {
      await open(current.value.batch_id);
      if (!active.value) await loadLists();
    } else if (checking.value && current.value) {
      if (ticks % CHECK_POLL_TICKS === 0) await open(current.value.batch_id);
    } else if (!recent.value.length) {
      await loadLists();
    }
  }, 1000);

  return { uploadFraction, current, recent, unlinked, unlinkedTotal, unlinkedPage, active, open, start, loadLists, polling };
}

// Students of the office's scope by name or student number, a page at a time (the records
// service's cursor), each with its photo states from the photos service.
import { reactive, ref } from "vue";
import { data, photos, records } from "@/api/clients";
import type { components as PhotosSchemas } from "@/api/generated/photos";
import type { components } from "@/api/generated/records";

export type StudentRecord = components["schemas"]["RecordRead"];
export type RecordPhotos = PhotosSchemas["schemas"]["RecordPhotosRead"];
const PAGE = 20;

export function useStudentSearch() {
  const q = ref("");
  const rows = ref<StudentRecord[]>([]);
  const photoStates = reactive(new Map<string, RecordPhotos | null>());
  const total = ref<number | null>(null);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);

  async function photosOf(recordId: string): Promise<void> {
    try {
      photoStates.set(recordId, data(await photos.GET("/v1/records/{record_id}/photos", { params: { path: { record_id: recordId } } })));
    } catch {
      photoStates.set(recordId, null);
    }
  }

  async function fetchPage(cursor: string | null): Promise<void> {
    loading.value = true;
    try {
      const answer = data(
        await records.GET("/v1/records", { params: { query: { q: q.value.trim() || undefined, cursor: cursor ?? undefined, limit: PAGE } } }),
      );
      rows.value = cursor ? [...rows.value, ...answer.items] : answer.items;
      total.value = answer.total;
      nextCursor.value = answer.next_cursor;
      await Promise.all(answer.items.map((r) => photosOf(r.record_id)));
    } finally {
      loading.value = false;
    }
  }

  return {
    q,
    rows,
    photoStates,
    total,
    nextCursor,
    loading,
    search: () => {
      photoStates.clear();
      return fetchPage(null);
    },
    more: () => fetchPage(nextCursor.value),
  };
}

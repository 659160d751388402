// The office's review queue of machine-checked photos: a page at a time, filtered by result
// and college; each decision (accept, ask for a new photo) is one call, then the page reloads.
import { reactive, ref } from "vue";
import { data, photos } from "@/api/clients";
import type { components } from "@/api/generated/photos";

export type Review = components["schemas"]["ReviewRead"];
export type Verdict = Review["verdict"];
export type Finding = components["schemas"]["FindingRead"];
export const VERDICTS: Verdict[] = ["fail", "uncertain", "anomaly"];

export function useReviews() {
  const filters = reactive({ verdict: "all" as Verdict | "all", college: "" });
  const page = ref(1);
  const pageSize = ref(20);
  const rows = ref<Review[]>([]);
  const total = ref(0);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const query = {
        verdict: filters.verdict === "all" ? undefined : filters.verdict,
        college: filters.college.trim() || undefined,
        offset: (page.value - 1) * pageSize.value,
        limit: pageSize.value,
      };
      const answer = data(await photos.GET("/v1/reviews", { params: { query } }));
      rows.value = answer.items;
      total.value = answer.total;
    } finally {
      loading.value = false;
    }
  }

  async function accept(review: Review): Promise<void> {
    data(await photos.POST("/v1/reviews/{photo_id}/accept", { params: { path: { photo_id: review.photo_id } } }));
  }

  async function recapture(review: Review, reason: string): Promise<void> {
    const path = { photo_id: review.photo_id };
    data(await photos.POST("/v1/reviews/{photo_id}/recapture", { params: { path }, body: { reason } }));
  }

  return { filters, page, pageSize, rows, total, loading, load, accept, recapture };
}

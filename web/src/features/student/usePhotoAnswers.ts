// The student's photos and their answers: confirm (final) and dispute (with a reason), each
// behind a dialog; after an answer the list is read again so the page shows the new state.
import { ElMessage } from "element-plus";
import { ref } from "vue";
import { useI18n } from "vue-i18n";
import { data, photos } from "@/api/clients";
import type { components } from "@/api/generated/photos";
import { useProblem } from "@/composables/useProblem";

export type Kind = "graduation" | "admission";
export interface Asking {
  recordId: string;
  photoId: string;
  kind: Kind;
  action: "confirm" | "dispute";
}

export function usePhotoAnswers() {
  const { t } = useI18n();
  const { messageOf, showProblem } = useProblem();
  const rows = ref<components["schemas"]["RecordPhotosRead"][]>([]);
  const loading = ref(true);
  const error = ref<string | null>(null);
  const asking = ref<Asking | null>(null);
  const reason = ref("");
  const busy = ref(false);

  async function load(): Promise<void> {
    try {
      rows.value = data(await photos.GET("/v1/me/photos"));
      error.value = null;
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      loading.value = false;
    }
  }

  function ask(recordId: string, kind: Kind, photoId: string | null, action: Asking["action"]): void {
    if (!photoId) return;
    reason.value = "";
    asking.value = { recordId, photoId, kind, action };
  }

  async function answer(): Promise<void> {
    const a = asking.value;
    if (!a) return;
    if (a.action === "dispute" && !reason.value.trim()) return;
    busy.value = true;
    try {
      const path = { params: { path: { photo_id: a.photoId } } };
      if (a.action === "confirm") await photos.POST("/v1/photos/{photo_id}/confirm", path);
      else await photos.POST("/v1/photos/{photo_id}/dispute", { ...path, body: { reason: reason.value.trim() } });
      ElMessage({ type: "success", message: t(a.action === "confirm" ? "student.photos.confirmedToast" : "student.photos.disputedToast") });
      asking.value = null;
      await load();
    } catch (e) {
      showProblem(e);
    } finally {
      busy.value = false;
    }
  }

  type Slot = components["schemas"]["PhotoSlotRead"];
  // confirming waits for the machine checks (passed) or the college office (accepted)
  const confirmable = (slot: Slot): boolean => slot.check === "passed" || slot.check === "accepted";
  const checking = (): boolean =>
    rows.value.some((r) => [r.graduation, r.admission].some((s) => s.status === "pending" && s.check === "running"));

  return { rows, loading, error, asking, reason, busy, load, ask, answer, checking, confirmable };
}

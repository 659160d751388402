// What the student's home page needs, in one load: the account, the matching state, the
// photos with their windows, open errata and identity cases; and from them the next step.
import { computed, ref } from "vue";
import { corrections, data, identity, photos, records } from "@/api/clients";
import type { components as Corrections } from "@/api/generated/corrections";
import type { components as Identity } from "@/api/generated/identity";
import type { components as Photos } from "@/api/generated/photos";
import type { components as Records } from "@/api/generated/records";
import { useNow } from "@/composables/useNow";
import { useProblem } from "@/composables/useProblem";
import { journey, type SlotStatus } from "@/lib/journey";
import { firstWindow } from "@/lib/window";

export function useStudentHome() {
  const { messageOf } = useProblem();
  const now = useNow(30_000);
  const profile = ref<Identity["schemas"]["ProfileRead"] | null>(null);
  const match = ref<Records["schemas"]["MatchRead"] | null>(null);
  const photoRows = ref<Photos["schemas"]["RecordPhotosRead"][]>([]);
  const errata = ref<Corrections["schemas"]["ErratumRead"][]>([]);
  const cases = ref<Corrections["schemas"]["CaseRead"][]>([]);
  const loading = ref(true);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    error.value = null;
    try {
      const me = data(await identity.GET("/v1/me"));
      profile.value = me;
      const active = me.status === "active";
      const [m, p, e, c] = await Promise.all([
        active ? records.GET("/v1/me/match").then(data) : null,
        active ? photos.GET("/v1/me/photos").then(data) : [],
        active ? corrections.GET("/v1/me/errata").then(data) : [],
        corrections.GET("/v1/me/identity-cases").then(data),
      ]);
      match.value = m;
      photoRows.value = p;
      errata.value = e;
      cases.value = c;
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      loading.value = false;
    }
  }

  const window = computed(() => firstWindow(photoRows.value, now.value));
  const windowTimes = computed(() => photoRows.value.find((r) => r.window)?.window ?? null);
  const state = computed(() => {
    if (!profile.value) return null;
    const slots: SlotStatus[] = photoRows.value.flatMap((r) => [r.graduation.status, r.admission.status]);
    return journey({
      accountStatus: profile.value.status,
      match: match.value?.status ?? null,
      slots,
      phase: window.value?.phase ?? "open",
      openErrata: errata.value.filter((e) => e.status === "filed" || e.status === "approved").length,
      openCases: cases.value.filter((c) => c.status === "open").length,
    });
  });

  return { profile, match, photoRows, errata, cases, loading, error, window, windowTimes, state, load };
}

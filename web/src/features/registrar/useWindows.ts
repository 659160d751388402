// Confirmation windows per cohort: photos owns them; corrections keeps a mirror of the same
// times for its errata deadline, so a change is sent to both (photos first).
import { ref } from "vue";
import { corrections, data, photos } from "@/api/clients";
import type { components } from "@/api/generated/photos";

export type WindowRead = components["schemas"]["WindowRead"];
export interface WindowTimes {
  confirm_until: string;
  recheck_from: string;
  recheck_until: string;
}

export function useWindows() {
  const windows = ref<WindowRead[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const items = data(await photos.GET("/v1/windows")).items;
      windows.value = items.slice().sort((a, b) => b.cohort.localeCompare(a.cohort));
    } finally {
      loading.value = false;
    }
  }

  async function save(institutionCode: string, cohort: string, times: WindowTimes): Promise<void> {
    const path = { institution_code: institutionCode, cohort };
    await photos.PUT("/v1/windows/{institution_code}/{cohort}", { params: { path }, body: times });
    await corrections.PUT("/v1/windows/{institution_code}/{cohort}", { params: { path }, body: times });
    await load();
  }

  return { windows, loading, load, save };
}

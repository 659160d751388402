// Confirmation progress from photos (/v1/stats) and the deadlines (/v1/windows), refreshed
// with the rest of the dashboard. Each part keeps its own problem: a refused window list
// does not hide the progress.
import { computed, ref, shallowRef } from "vue";
import { data, photos } from "@/api/clients";
import type { components } from "@/api/generated/photos";
import { chartRows, collegeRows, institutionRows, nextDeadline, shareConfirmed, slotsOf, studentsLeft } from "@/lib/progress";

type Stats = components["schemas"]["StatsRead"];
type WindowRead = components["schemas"]["WindowRead"];

const CHART_ROWS = 15;

export function useOpsProgress() {
  const stats = shallowRef<Stats | null>(null);
  const windows = shallowRef<WindowRead[] | null>(null);
  const statsError = ref<unknown>(null);
  const windowsError = ref<unknown>(null);
  /** the institution whose colleges are charted (none chosen: the biggest) */
  const chosen = ref<string | null>(null);

  async function refresh(): Promise<void> {
    const [s, w] = await Promise.allSettled([photos.GET("/v1/stats"), photos.GET("/v1/windows")]);
    if (s.status === "fulfilled") {
      stats.value = data(s.value);
      statsError.value = null;
    } else {
      stats.value = null;
      statsError.value = s.reason;
    }
    if (w.status === "fulfilled") {
      windows.value = data(w.value).items;
      windowsError.value = null;
    } else {
      windows.value = null;
      windowsError.value = w.reason;
    }
  }

  const institutions = computed(() => institutionRows(stats.value?.colleges ?? []));
  const institution = computed(() => {
    const codes = institutions.value.map((r) => r.label);
    if (chosen.value && codes.includes(chosen.value)) return chosen.value;
    return chartRows(institutions.value, 1)[0]?.label ?? null;
  });
  const institutionChart = computed(() => chartRows(institutions.value, CHART_ROWS));
  const collegeChart = computed(() =>
    institution.value ? chartRows(collegeRows(stats.value?.colleges ?? [], institution.value), CHART_ROWS) : [],
  );
  const headline = computed(() => {
    const totals = stats.value?.totals;
    if (!totals) return null;
    return {
      share: shareConfirmed(slotsOf(totals)),
      left: studentsLeft(totals),
      records: institutions.value.reduce((sum, row) => sum + row.records, 0),
    };
  });
  const deadline = computed(() => (windows.value ? nextDeadline(windows.value) : null));

  return {
    stats,
    statsError,
    windows,
    windowsError,
    chosen,
    institutions,
    institution,
    institutionChart,
    collegeChart,
    headline,
    deadline,
    refresh,
  };
}

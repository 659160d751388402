// The public check of a verification report (no login): by the code typed in, or the one in
// the QR code's link (/verify/<code>).
import { ref } from "vue";
import { data, reports } from "@/api/clients";
import type { components } from "@/api/generated/reports";
import { ApiProblem } from "@/api/problem";
import { useProblem } from "@/composables/useProblem";

export type Checked = components["schemas"]["VerifyRead"];
export type RecordOnReport = components["schemas"]["RecordOnReport"];

export const SHOWN: (keyof RecordOnReport)[] = [
  "name", "gender", "birth_date", "ethnicity", "id_type", "id_number_masked", "institution_name", "level", "major",
  "duration_years", "education_type", "study_form", "branch", "department", "class_name", "student_number", "enrollment_date", "status",
];

export function useVerify() {
  const { messageOf } = useProblem();
  const result = ref<Checked | null>(null);
  const notFound = ref(false);
  const error = ref<string | null>(null);
  const busy = ref(false);

  async function check(code: string): Promise<void> {
    result.value = null;
    notFound.value = false;
    error.value = null;
    if (!code.trim()) return;
    busy.value = true;
    try {
      result.value = data(await reports.GET("/v1/verify/{code}", { params: { path: { code: code.trim() } } }));
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 404) notFound.value = true;
      else error.value = messageOf(e);
    } finally {
      busy.value = false;
    }
  }

  return { result, notFound, error, busy, check };
}

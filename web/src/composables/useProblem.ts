// Shows a failed call as a sentence in the current language (see api/problem.ts).
import { ElMessage } from "element-plus";
import { useI18n } from "vue-i18n";
import { problemMessage } from "@/api/problem";

export function useProblem() {
  const { t, te } = useI18n();
  const messageOf = (error: unknown): string =>
    problemMessage(error, (key, values) => (values ? t(key, values) : t(key)), (key) => te(key));
  return {
    messageOf,
    showProblem(error: unknown): void {
      ElMessage({ type: "error", message: messageOf(error), showClose: true, duration: 6000 });
    },
  };
}

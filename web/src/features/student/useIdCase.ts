// The ID-correction and dispute forms: the scan checked (JPEG, ≤ 1 MB) and previewed before it
// is sent with upload progress; the student's cases listed with their state.
import { onBeforeUnmount, reactive, ref } from "vue";
import { useI18n } from "vue-i18n";
import { useRoute } from "vue-router";
import { corrections, data } from "@/api/clients";
import type { components } from "@/api/generated/corrections";
import { upload } from "@/api/upload";
import { useProblem } from "@/composables/useProblem";
import { normaliseMobile } from "@/lib/accountRules";
import { shortRef } from "@/lib/format";
import { checkIdNumber } from "@/lib/idcard";
import { scanProblem } from "@/lib/scan";

type Kind = "correction" | "dispute";
type IdType = components["schemas"]["CaseRead"]["id_type"];
const PATH: Record<Kind, string> = { correction: "/api/corrections/v1/identity-corrections", dispute: "/api/corrections/v1/identity-disputes" };

export function useIdCase() {
  const { t } = useI18n();
  const { messageOf } = useProblem();
  const route = useRoute();
  const form = reactive({
    kind: (route.query.kind === "dispute" ? "dispute" : "correction") as Kind,
    idType: "resident_id" as IdType, idNumber: "", phone: "", email: "",
  });
  const scan = ref<File | null>(null);
  const preview = ref<string | null>(null);
  const scanError = ref<string | null>(null);
  const progress = ref<number | null>(null);
  const error = ref<string | null>(null);
  const filed = ref<string | null>(null);
  const cases = ref<components["schemas"]["CaseRead"][]>([]);

  async function load(): Promise<void> {
    try {
      cases.value = data(await corrections.GET("/v1/me/identity-cases"));
    } catch (e) {
      error.value = messageOf(e);
    }
  }

  function release(): void {
    if (preview.value) URL.revokeObjectURL(preview.value);
    preview.value = null;
  }
  onBeforeUnmount(release);

  async function choose(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    release();
    scan.value = null;
    const problem = await scanProblem(file);
    scanError.value = problem ? t(`problems.code.${problem}`) : null;
    if (problem || !file) return;
    scan.value = file;
    preview.value = URL.createObjectURL(file);
  }

  function localProblem(): string | null {
    if (!form.idNumber.trim() || !form.phone.trim()) return "required";
    const id = checkIdNumber(form.idType, form.idNumber);
    if (id) return id;
    if (!normaliseMobile(form.phone)) return "phone_invalid";
    return scan.value ? null : "scan_required";
  }

  async function submit(): Promise<void> {
    error.value = null;
    filed.value = null;
    const problem = localProblem();
    if (problem) return void (error.value = t(`problems.code.${problem}`));
    const body = new FormData();
    body.set("id_type", form.idType);
    body.set("id_number", form.idNumber.trim());
    body.set("contact_phone", normaliseMobile(form.phone) ?? form.phone.trim());
    if (form.email.trim()) body.set("reply_email", form.email.trim());
    body.set("scan", scan.value as File, "scan.jpg");
    progress.value = 0;
    try {
      const opened = await upload<components["schemas"]["CaseOpened"]>(PATH[form.kind], body, { onProgress: (f) => (progress.value = f) });
      filed.value = t("student.idCase.filed", { ref: shortRef(opened.case_id) });
      Object.assign(form, { idNumber: "", phone: "", email: "" });
      scan.value = null;
      release();
      await load();
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      progress.value = null;
    }
  }

  return { form, scan, preview, scanError, progress, error, filed, cases, load, choose, submit };
}

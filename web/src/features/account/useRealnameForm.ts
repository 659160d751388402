// The real-name form: the fields, the SMS code with its resend countdown (429 → wait the
// seconds the server names), the ID checks done before sending, and the three outcomes.
import { computed, onBeforeUnmount, reactive, ref, watch } from "vue";
import { useI18n } from "vue-i18n";
import { ApiProblem } from "@/api/problem";
import { data, identity } from "@/api/clients";
import { useProblem } from "@/composables/useProblem";
import { isEduEmail, normaliseMobile } from "@/lib/accountRules";
import { checkIdNumber, parseResidentId } from "@/lib/idcard";

type IdType = "resident_id" | "passport" | "hk_macao_permit" | "taiwan_permit";
const RESEND_S = 60;

export function useRealnameForm() {
  const { t } = useI18n();
  const { messageOf } = useProblem();
  const form = reactive({
    name: "", gender: "" as "" | "male" | "female", idType: "resident_id" as IdType, idNumber: "", nickname: "",
    birthDate: "", province: "", city: "", phone: "", smsCode: "", consent: false,
  });
  const state = ref<"loading" | "form" | "done" | "already" | "taken">("loading");
  const edu = ref(false);
  const busy = ref(false);
  const error = ref<string | null>(null);
  const note = ref<string | null>(null);
  const wait = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;

  async function load(): Promise<void> {
    try {
      const me = data(await identity.GET("/v1/me"));
      edu.value = isEduEmail(me.email);
      state.value = me.status === "active" ? "already" : "form";
    } catch (e) {
      error.value = messageOf(e);
      state.value = "form";
    }
  }

  watch(() => [form.idType, form.idNumber] as const, ([type, number]) => {
    const parsed = type === "resident_id" ? parseResidentId(number) : null;
    if (!parsed || (form.birthDate === parsed.birthDate && form.gender === parsed.gender)) return;
    form.birthDate = parsed.birthDate;
    form.gender = parsed.gender;
    note.value = t("account.realname.idFromNumber");
  });

  function countdown(seconds: number): void {
    wait.value = seconds;
    if (timer) clearInterval(timer);
    timer = setInterval(() => {
      wait.value = Math.max(0, wait.value - 1);
      if (wait.value === 0 && timer) clearInterval(timer);
    }, 1000);
  }
  onBeforeUnmount(() => timer && clearInterval(timer));

  async function sendCode(): Promise<void> {
    error.value = null;
    const phone = normaliseMobile(form.phone);
    if (!phone) {
      error.value = t("problems.code.phone_invalid");
      return;
    }
    try {
      await identity.POST("/v1/sms-codes", { body: { phone, purpose: "realname" } });
      note.value = t("account.realname.codeSent");
      countdown(RESEND_S);
    } catch (e) {
      error.value = messageOf(e);
      if (e instanceof ApiProblem && e.status === 429) countdown(e.retryAfterS ?? RESEND_S);
    }
  }

  const canSend = computed(() => wait.value === 0 && !busy.value);

  function localProblem(): string | null {
    const f = form;
    if (!f.name.trim() || !f.gender || !f.idNumber.trim() || !f.birthDate || !f.province.trim() || !f.city.trim()) return "required";
    const id = checkIdNumber(f.idType, f.idNumber, f.birthDate, f.gender);
    if (id) return id;
    if (f.nickname.length > 50) return "nickname_too_long";
    if (f.phone.trim() && !normaliseMobile(f.phone)) return "phone_invalid";
    if (!edu.value && (!f.phone.trim() || !f.smsCode.trim())) return "sms_code_required";
    return f.consent ? null : "consent_required";
  }

  async function submit(): Promise<void> {
    error.value = null;
    const problem = localProblem();
    if (problem) {
      error.value = t(`problems.code.${problem}`);
      return;
    }
    busy.value = true;
    const phone = form.phone.trim() ? normaliseMobile(form.phone) : null;
    try {
      await identity.PUT("/v1/me/realname", {
        body: {
          name: form.name.trim(), gender: form.gender as "male" | "female", id_type: form.idType, id_number: form.idNumber.trim(),
          nickname: form.nickname.trim() || null, birth_date: form.birthDate, province: form.province.trim(), city: form.city.trim(),
          phone, sms_code: phone ? form.smsCode.trim() || null : null, consent_sensitive: form.consent,
        },
      });
      state.value = "done";
    } catch (e) {
      if (e instanceof ApiProblem && e.code === "id_number_taken") state.value = "taken";
      else if (e instanceof ApiProblem && e.code === "realname_already_done") state.value = "already";
      else error.value = messageOf(e);
    } finally {
      busy.value = false;
    }
  }

  return { form, state, edu, busy, error, note, wait, canSend, load, sendCode, submit };
}

// The student's journey, in the order of the notice: register, activate, real name, log in,
// record, photos, and the three problems (record missing, wrong data, wrong ID).
import { api, session, shanghaiTime } from "./api.js";
import { t } from "./i18n.js";
import { el, field, checkbox, status, say, sayError, values, shell } from "./ui.js";

function form(fields, submitLabel, onSubmit) {
  const out = status();
  const node = el("form", { novalidate: false }, ...fields, el("button", { type: "submit" }, submitLabel), out);
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await onSubmit(values(node), out, node); } catch (error) { sayError(out, error); }
  });
  return node;
}
const params = new URLSearchParams(location.search);

export const pages = {
  home() {
    shell(t("app"), el("ul", { class: "cards" },
      ...[["register.html", "register"], ["login.html", "login"], ["realname.html", "realname"],
        ["record.html", "record"], ["photos.html", "photos"], ["missing.html", "missing"],
        ["errata.html", "errata"], ["id-correction.html", "id_correction"], ["recover.html", "recover"],
        ["staff/errata.html", "staff"], ["ops.html", "ops"]]
        .map(([href, key]) => el("li", {}, el("a", { href: `/${href}` }, t(key))))));
  },
  register() {
    shell(t("register"), form([
      field("email", { type: "email", autocomplete: "username" }),
      field("password", { type: "password", minlength: 6, maxlength: 30, autocomplete: "new-password" }),
      field("password_confirm", { type: "password", minlength: 6, maxlength: 30, autocomplete: "new-password" }),
      checkbox("accept_terms", t("accept_terms")),
    ], t("register"), async (v, out) => {
      await api("identity/v1/accounts", { method: "POST", json: v });
      say(out, t("register_done"));
    }), form([field("email", { type: "email" })], t("resend"), async (v, out) => {
      await api("identity/v1/accounts/activation-mail", { method: "POST", json: v });
      say(out, t("register_done"));
    }));
  },
  async activate() {
    const out = status();
    shell(t("register"), out);
    say(out, t("activating"));
    try {
      const result = await api("identity/v1/accounts/activate", { method: "POST", json: { token: params.get("token") } });
      session.token = result.access_token;
      shell(t("register"), out, el("p", {}, el("a", { href: "/realname.html" }, t("realname"))));
      say(out, t("activated"));
    } catch (error) { sayError(out, error); }
  },
  realname() {
    const idTypes = ["resident_id", "passport", "hk_macao_permit", "taiwan_permit"].map((k) => [k, t(k)]);
    const code = el("button", { type: "button", class: "secondary" }, t("send_code"));
    const node = form([
      field("name", { maxlength: 50 }), field("gender", { options: [["male", t("male")], ["female", t("female")]] }),
      field("id_type", { options: idTypes }), field("id_number", { maxlength: 32, autocomplete: "off" }),
      field("nickname", { required: false, maxlength: 50 }), field("birth_date", { type: "date" }),
      field("province"), field("city"), field("phone", { type: "tel", required: false, autocomplete: "tel" }),
      el("div", { class: "row" }, field("sms_code", { required: false, inputmode: "numeric", maxlength: 6 }), code),
      checkbox("consent_sensitive", t("consent")),
    ], t("submit"), async (v, out) => {
      for (const k of ["nickname", "phone", "sms_code"]) if (!v[k]) delete v[k];
      await api("identity/v1/me/realname", { method: "PUT", json: v });
      say(out, t("realname_done"));
    });
    code.addEventListener("click", async () => {
      const out = node.querySelector(".status");
      try {
        await api("identity/v1/sms-codes", { method: "POST", json: { phone: node.phone.value, purpose: "realname" } });
        countdown(code, 60);
      } catch (error) {
        sayError(out, error);
        if (error.problem?.retry_after_s) countdown(code, error.problem.retry_after_s);
      }
    });
    shell(t("realname"), node, el("p", { class: "hint" }, "1/min · 5/h · 10/day"));
  },
  login() {
    shell(t("login"), form([
      field("email", { type: "email", autocomplete: "username" }),
      field("password", { type: "password", autocomplete: "current-password" }),
    ], t("login"), async (v) => {
      session.token = (await api("identity/v1/sessions", { method: "POST", json: v })).access_token;
      location.href = "/record.html";
    }), el("p", {}, el("a", { href: "/recover.html" }, t("recover"))));
  },
  recover() {
    const idTypes = ["resident_id", "passport", "hk_macao_permit", "taiwan_permit"].map((k) => [k, t(k)]);
    shell(t("recover"),
      el("h2", {}, t("forgot_password")),
      form([field("email", { type: "email" })], t("submit"), async (v, out) => {
        await api("identity/v1/recovery/password", { method: "POST", json: v }); say(out, t("sent_if_exists"));
      }),
      el("h2", {}, t("forgot_username")),
      form([field("name"), field("id_type", { options: idTypes }), field("id_number")], t("submit"), async (v, out) => {
        await api("identity/v1/recovery/username", { method: "POST", json: v }); say(out, t("sent_if_exists"));
      }));
  },
  reset() {
    shell(t("reset"), form([
      field("password", { type: "password", minlength: 6, maxlength: 30, autocomplete: "new-password" }),
      field("password_confirm", { type: "password", minlength: 6, maxlength: 30, autocomplete: "new-password" }),
    ], t("reset"), async (v, out) => {
      await api("identity/v1/recovery/password/reset", { method: "POST", json: { ...v, token: params.get("token") } });
      say(out, t("reset_done"));
    }));
  },
  async record() {
    const out = status();
    shell(t("record"), out);
    try {
      const records = await api("records/v1/me/records");
      const list = Array.isArray(records) ? records : records.items ?? [];
      if (!list.length) { location.href = "/missing.html"; return; }
      for (const record of list) {
        out.before(el("section", { class: "record" },
          el("dl", {}, ...Object.entries(record).filter(([k]) => !k.endsWith("_id") && k !== "identity_hash")
            .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "")])),
          el("a", { class: "button", href: `/api/records/v1/me/records/${record.record_id}/printable`, target: "_blank" }, t("print"))));
      }
    } catch (error) { sayError(out, error); }
  },
  async photos() {
    const out = status();
    shell(t("photos"), out);
    try {
      const result = await api("photos/v1/me/photos");
      const rows = Array.isArray(result) ? result : result.items ?? result.records ?? [];
      for (const row of rows) {
        const section = el("section", { class: "photos" });
        if (row.window?.confirm_until) section.append(el("p", {}, `${t("deadline")}: ${shanghaiTime(row.window.confirm_until)}`));
        for (const kind of ["graduation", "admission"]) section.append(await photoCard(kind, row[kind] ?? {}));
        out.before(section);
      }
    } catch (error) { sayError(out, error); }
  },
  async missing() {
    const out = status();
    shell(t("missing"), out);
    try {
      const match = await api("records/v1/me/match");
      say(out, match.status === "matched" ? t("match_matched") : (match.hint?.[document.documentElement.lang] ?? match.hint?.zh ?? JSON.stringify(match.hint ?? match.reason)));
      out.after(el("p", {}, el("a", { href: "/id-correction.html" }, t("id_correction"))), el("p", {}, el("a", { href: "/errata.html" }, t("errata"))));
    } catch (error) { sayError(out, error); }
  },
  errata() {
    shell(t("errata"), form([
      field("record_id"), field("field", { options: ["name", "gender", "birth_date", "ethnicity", "id_number", "student_number", "exam_number", "major", "class_name", "photo"].map((f) => [f, f]) }),
      field("correct_value"), field("note", { required: false }),
    ], t("submit"), async (v, out) => {
      const created = await api("corrections/v1/errata", { method: "POST", json: {
        record_id: v.record_id, items: [{ field: v.field, correct_value: v.correct_value }], note: v.note || undefined } });
      say(out, `${t("filed")}: ${created.erratum_id}`);
    }));
  },
  "id-correction"() {
    const idTypes = ["resident_id", "passport", "hk_macao_permit", "taiwan_permit"].map((k) => [k, t(k)]);
    shell(t("id_correction"), form([
      field("scan", { type: "file", accept: "image/jpeg" }), field("id_type", { options: idTypes }), field("id_number"),
      field("contact_phone", { type: "tel" }), field("reply_email", { type: "email", required: false }),
    ], t("submit"), async (_v, out, node) => {
      const data = new FormData(node);
      if (!data.get("reply_email")) data.delete("reply_email");
      const created = await api("corrections/v1/identity-corrections", { method: "POST", form: data });
      say(out, `${t("filed")}: ${created.case_id ?? created.id ?? ""}`);
    }));
  },
};

async function photoCard(kind, photo) {
  const label = { missing: "missing_photo", pending: "not_verified", confirmed: "confirmed", disputed: "disputed" }[photo.status] ?? "missing_photo";
  const card = el("figure", { class: `photo ${photo.status ?? "missing"}` });
  if (photo.photo_id) {
    const response = await api(`photos/v1/photos/${photo.photo_id}/image`, { raw: true });
    card.append(el("img", { src: URL.createObjectURL(await response.blob()), alt: t(kind), width: 240, height: 320 }));
  }
  const out = status();
  card.append(el("figcaption", {}, `${t(kind)} — ${t(label)}`));
  if (photo.status === "pending") {
    const reason = el("input", { name: "reason", "aria-label": t("reason"), placeholder: t("reason") });
    card.append(
      el("button", { type: "button", onclick: async () => {
        try { await api(`photos/v1/photos/${photo.photo_id}/confirm`, { method: "POST", json: {} }); say(out, t("confirm_done")); }
        catch (error) { sayError(out, error); } } }, t("correct")),
      reason,
      el("button", { type: "button", class: "secondary", onclick: async () => {
        try { await api(`photos/v1/photos/${photo.photo_id}/dispute`, { method: "POST", json: { reason: reason.value || "—" } }); location.href = "/errata.html"; }
        catch (error) { sayError(out, error); } } }, t("wrong")));
  }
  card.append(out);
  return card;
}

function countdown(button, seconds) {
  button.disabled = true;
  const tick = () => {
    if (seconds <= 0) { button.disabled = false; button.textContent = t("send_code"); return; }
    button.textContent = `${seconds--}${t("resend_in")}`;
    setTimeout(tick, 1000);
  };
  tick();
}

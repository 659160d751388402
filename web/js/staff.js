// Staff pages: the college office's errata queue, support's identity cases, the registrar's uploads.
import { api } from "./api.js";
import { t } from "./i18n.js";
import { el, field, status, say, sayError, shell } from "./ui.js";

function table(rows, columns, actions) {
  return el("table", {},
    el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)), actions ? el("th", {}, "") : "")),
    el("tbody", {}, ...rows.map((row) => el("tr", {}, ...columns.map((c) => el("td", {}, format(row[c]))),
      actions ? el("td", {}, ...actions(row)) : ""))));
}
const format = (v) => (v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
const items = (result) => (Array.isArray(result) ? result : result?.items ?? []);

function decide(path, out) {
  const reason = el("input", { "aria-label": t("reason"), placeholder: t("reason") });
  return [
    el("button", { type: "button", onclick: () => act(`${path}/approve`, {}, out) }, t("approve")),
    reason,
    el("button", { type: "button", class: "secondary", onclick: () => act(`${path}/reject`, { reason: reason.value || "—" }, out) }, t("reject")),
  ];
}
async function act(path, json, out) {
  try { await api(path, { method: "POST", json }); say(out, "OK"); setTimeout(() => location.reload(), 600); }
  catch (error) { sayError(out, error); }
}

export const pages = {
  async "staff-errata"() {
    const out = status();
    shell(`${t("errata")} · ${t("queue")}`, out);
    try {
      const rows = items(await api("corrections/v1/errata?status=filed"));
      out.before(table(rows, ["erratum_id", "record_id", "branch", "items", "filed_at"],
        (row) => decide(`corrections/v1/errata/${row.erratum_id}`, out)));
    } catch (error) { sayError(out, error); }
  },
  async "staff-support"() {
    const out = status();
    shell(`${t("id_correction")} · ${t("queue")}`, out);
    for (const kind of ["identity-corrections", "identity-disputes"]) {
      try {
        const rows = items(await api(`corrections/v1/${kind}?status=filed`));
        out.before(el("h2", {}, kind), table(rows, ["case_id", "id_type", "id_number_masked", "status", "filed_at"],
          (row) => [el("a", { href: `/api/corrections/v1/${kind}/${row.case_id}/scan`, target: "_blank" }, "scan"),
            ...decide(`corrections/v1/${kind}/${row.case_id}`, out)]));
      } catch (error) { sayError(out, error); }
    }
  },
  "staff-registrar"() {
    const importOut = status();
    const batchOut = status();
    const importForm = el("form", {}, field("file", { type: "file", accept: ".csv,.ndjson,text/csv" }), el("button", { type: "submit" }, t("upload")), importOut);
    importForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = importForm.file.files[0];
      try {
        const response = await fetch("/api/records/v1/imports", { method: "POST", body: file,
          headers: { "Content-Type": file.name.endsWith(".ndjson") ? "application/x-ndjson" : "text/csv",
            Authorization: `Bearer ${sessionStorage.getItem("token")}` } });
        const { import_id } = await response.json();
        for (let i = 0; i < 120; i++) {
          const state = await api(`records/v1/imports/${import_id}`);
          say(importOut, JSON.stringify(state));
          if (state.status !== "running" && state.status !== "pending") break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      } catch (error) { sayError(importOut, error); }
    });
    const batchForm = el("form", {}, field("manifest", { type: "file", accept: ".csv" }), field("archive", { type: "file", accept: ".zip" }),
      el("button", { type: "submit" }, t("upload")), batchOut);
    batchForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const { batch_id } = await api("photos/v1/batches", { method: "POST", form: new FormData(batchForm) });
        const batch = await api(`photos/v1/batches/${batch_id}`);
        batchOut.replaceWith(table(batch.files ?? [], ["file", "status", "reason", "photo_id"]));
      } catch (error) { sayError(batchOut, error); }
    });
    shell(t("staff"), el("h2", {}, t("imports")), importForm, el("h2", {}, t("batches")), batchForm);
  },
};

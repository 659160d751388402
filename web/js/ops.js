// Operations dashboard: progress from photos' stats, health from each service's own endpoints.
import { api } from "./api.js";
import { t } from "./i18n.js";
import { el, status, sayError, shell } from "./ui.js";

const SERVICES = ["identity", "records", "photos", "notify", "corrections"];
const WATCHED = ["consumer_lag", "outbox_backlog", "outbox_oldest_unpublished_age_seconds", "consumer_dead_letters_total"];

function sumMetric(text, name) {
  let total = 0, seen = false;
  for (const line of text.split("\n")) {
    if (line.startsWith(name) && (line[name.length] === " " || line[name.length] === "{")) {
      total += Number(line.trim().split(/\s+/).pop()); seen = true;
    }
  }
  return seen ? total : null;
}

async function health() {
  const rows = [];
  for (const service of SERVICES) {
    const ready = await fetch(`/api/${service}/readyz`).then((r) => r.ok).catch(() => false);
    const text = await fetch(`/api/${service}/metrics`).then((r) => (r.ok ? r.text() : "")).catch(() => "");
    rows.push(el("tr", {}, el("th", { scope: "row" }, service), el("td", { class: ready ? "ok" : "error" }, ready ? t("ready") : t("unavailable")),
      ...WATCHED.map((m) => el("td", {}, sumMetric(text, m) ?? "–"))));
  }
  return el("table", {}, el("caption", {}, "platform"),
    el("thead", {}, el("tr", {}, el("th", {}, "service"), el("th", {}, "readyz"), ...WATCHED.map((m) => el("th", { scope: "col" }, m)))),
    el("tbody", {}, ...rows));
}

async function progress() {
  try {
    const stats = await api("photos/v1/stats");
    return el("pre", { class: "stats" }, JSON.stringify(stats, null, 2));
  } catch (error) {
    const out = status(); sayError(out, error); return out;
  }
}

export const pages = {
  async ops() {
    const render = async () => {
      shell(t("ops"), await progress(), await health(), el("p", { class: "hint" }, new Date().toISOString()));
    };
    await render();
    setInterval(render, 15000);
  },
};

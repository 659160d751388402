// Small DOM helpers: forms with labels, status messages, the page shell.
import { t, toggleLang } from "./i18n.js";
import { session, api } from "./api.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "onclick" || k === "onsubmit" || k === "onchange") node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, "");
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
let counter = 0;
export function field(name, { type = "text", label = t(name), required = true, options, value, ...rest } = {}) {
  const id = `f-${name}-${++counter}`;
  let input;
  if (options) {
    input = el("select", { id, name, required }, options.map(([v, text]) => el("option", { value: v }, text)));
  } else {
    input = el("input", { id, name, type, required, value, ...rest });
  }
  return el("div", { class: "field" }, el("label", { for: id }, label), input);
}
export function checkbox(name, label) {
  const id = `f-${name}-${++counter}`;
  return el("div", { class: "field check" }, el("input", { id, name, type: "checkbox" }), el("label", { for: id }, label));
}
export function status() { return el("p", { class: "status", role: "status", "aria-live": "polite" }); }
export function say(node, text, kind = "ok") { node.textContent = text; node.className = `status ${kind}`; }
export function sayError(node, error) {
  say(node, `${t("error")}: ${error.message}${error.code ? ` (${error.code})` : ""}`, "error");
}
export function values(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === "string") out[k] = v.trim();
  for (const box of form.querySelectorAll("input[type=checkbox]")) out[box.name] = box.checked;
  return out;
}
export function shell(title, ...content) {
  const nav = el("nav", { "aria-label": "main" },
    el("a", { href: "/" }, t("home")),
    session.token ? el("a", { href: "/record.html" }, t("record")) : el("a", { href: "/login.html" }, t("login")),
    session.token ? el("a", { href: "/photos.html" }, t("photos")) : el("a", { href: "/register.html" }, t("register")),
    session.token ? el("button", { type: "button", class: "link", onclick: logout }, t("logout")) : "",
    el("button", { type: "button", class: "link", onclick: toggleLang }, t("lang")));
  document.title = `${title} · ${t("app")}`;
  document.body.replaceChildren(
    el("header", {}, el("a", { href: "/", class: "brand" }, t("app")), nav),
    el("main", { id: "main" }, el("h1", {}, title), ...content));
}
async function logout() {
  try { await api("identity/v1/sessions/current", { method: "DELETE" }); } catch { /* already gone */ }
  session.token = null; location.href = "/";
}

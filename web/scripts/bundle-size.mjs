// Gzipped size of what each role's pages download: the entry (shell, router, i18n, styles)
// plus the chunks of that role's feature folder and the shared chunks they import statically.
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const assets = join(dist, "assets");
const gz = (name) => gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
const files = readdirSync(assets);
const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = [...html.matchAll(/assets\/([^"]+\.(?:js|css))/g)].map((m) => m[1]);
const imports = (name) =>
  name.endsWith(".js")
    ? [...readFileSync(join(assets, name), "utf8").matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1])
    : [];
function closure(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop();
    if (seen.has(name) || !files.includes(name)) continue;
    seen.add(name);
    stack.push(...imports(name));
  }
  return seen;
}
const entrySet = closure(entry);
const prefixes = { student: "Student", account: "Account", college: "College", registrar: "Registrar", photographer: "Photographer", support: "Support", ops: "Ops", admin: "Admin" };
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const entrySize = [...entrySet].reduce((s, f) => s + gz(f), 0);
console.log(`| part | gzipped |\n|---|---|\n| entry (shell, router, i18n, Element Plus styles) | ${kb(entrySize)} |`);
for (const [role, prefix] of Object.entries(prefixes)) {
  const pages = files.filter((f) => f.startsWith(prefix) && /\.(js|css)$/.test(f));
  const all = closure(pages);
  const extra = [...all].filter((f) => !entrySet.has(f)).reduce((s, f) => s + gz(f), 0);
  console.log(`| ${role} pages (on top of the entry) | ${kb(extra)} |`);
}

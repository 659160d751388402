// Picks the page module named by <body data-page="..."> and renders it.
import { pages as student } from "./student.js";
import { pages as staff } from "./staff.js";
import { pages as ops } from "./ops.js";
import { lang } from "./i18n.js";

document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
const pages = { ...student, ...staff, ...ops };
const page = document.body.dataset.page || "home";
(pages[page] ?? pages.home)();

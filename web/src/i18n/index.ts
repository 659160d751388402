// vue-i18n in Composition mode: zh-CN by default, English on request, the choice remembered.
import { createI18n } from "vue-i18n";
import type { Locale } from "@/lib/format";
import { en } from "./en";
import { zhCN, type Messages } from "./schema";

const STORAGE_KEY = "jiaodui.locale";

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

// Date and number formatting bound to the current locale (lib/format does the work).
import { useI18n } from "vue-i18n";
import { formatDateTime, formatDay, formatNumber, formatTime, type Locale } from "@/lib/format";

export function useFormat() {
  const { locale } = useI18n();
  const current = (): Locale => (locale.value === "en" ? "en" : "zh-CN");
  return {
    dateTime: (value: string | Date | null | undefined) => formatDateTime(value, current()),
    day: (value: string | null | undefined) => formatDay(value, current()),
    time: (value: string | Date | null | undefined) => formatTime(value, current()),
    number: (value: number) => formatNumber(value, current()),
  };
}

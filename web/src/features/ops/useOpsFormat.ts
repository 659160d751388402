// Numbers of the dashboard as people read them, in the current language.
import { useI18n } from "vue-i18n";
import { useFormat } from "@/composables/useFormat";
import { durationIn } from "@/lib/prom";

export function useOpsFormat() {
  const { t } = useI18n();
  const { number } = useFormat();
  const decimals = (value: number, digits: number) => number(Number(value.toFixed(digits)));
  return {
    count: (value: number) => number(Math.round(value)),
    rate: (value: number) => t("ops.unit.perS", { n: decimals(value, value < 10 ? 2 : 1) }),
    percent: (share: number) => t("ops.unit.percent", { n: decimals(share * 100, share < 0.01 && share > 0 ? 2 : 1) }),
    duration: (seconds: number) => {
      const { unit, n } = durationIn(seconds);
      return t(`ops.unit.${unit}`, { n: number(n) });
    },
  };
}

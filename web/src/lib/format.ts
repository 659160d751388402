// Dates and numbers for people: the current locale and the institution's zone (Asia/Shanghai).
export const INSTITUTION_ZONE = "Asia/Shanghai";

export type Locale = "zh-CN" | "en";

function date(value: string | Date): Date {
  return typeof value === "string" ? new Date(value) : value;
}

export function formatDateTime(value: string | Date | null | undefined, locale: Locale): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, {
    timeZone: INSTITUTION_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date(value));
}

/** A clock time with seconds ("14:05:09"): when a live view was last updated. */
export function formatTime(value: string | Date | null | undefined, locale: Locale): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, {
    timeZone: INSTITUTION_ZONE,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(date(value));
}

/** A calendar date ("2003-04-12") as people write it, without moving it across zones. */
export function formatDay(value: string | null | undefined, locale: Locale): string {
  if (!value) return "—";
  const [y, m, d] = value.split("-").map(Number);
  if (!y || !m || !d) return value;
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

export interface Remaining {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  past: boolean;
}

export function remaining(until: string | Date, nowMs = Date.now()): Remaining {
  const total = Math.max(0, date(until).getTime() - nowMs);
  const s = Math.floor(total / 1000);
  return {
    days: Math.floor(s / 86400),
    hours: Math.floor((s % 86400) / 3600),
    minutes: Math.floor((s % 3600) / 60),
    seconds: s % 60,
    past: total === 0,
  };
}

/** A short reference for a UUID where people need one (a case number on the phone). */
export function shortRef(id: string): string {
  return id.replace(/-/g, "").slice(0, 8).toUpperCase();
}

// Wall-clock times in the institution's zone for date-time pickers. Asia/Shanghai is UTC+8
// all year (no daylight saving), so the conversion is a fixed offset whatever the browser's zone.
const OFFSET_MS = 8 * 3600 * 1000;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

const pad = (n: number): string => String(n).padStart(2, "0");

/** "2026-03-17 23:59" as a clock in Shanghai shows the instant, or null. */
export function toShanghaiWallClock(value: string | Date | null | undefined): string | null {
  if (!value) return null;
  const ms = (typeof value === "string" ? new Date(value) : value).getTime();
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The instant (ISO 8601 with +08:00) of a Shanghai wall-clock "YYYY-MM-DD HH:mm[:ss]", or null. */
export function fromShanghaiWallClock(text: string | null | undefined): string | null {
  const m = text ? WALL_CLOCK.exec(text.trim()) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}+08:00`;
}

/** True when the given instants (any that are set) strictly increase. */
export function strictlyIncreasing(...instants: (string | null | undefined)[]): boolean {
  const times = instants.filter((v): v is string => !!v).map((v) => new Date(v).getTime());
  return times.every((t, i) => i === 0 || t > (times[i - 1] as number));
}

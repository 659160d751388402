// Prometheus answers turned into what the dashboard shows: numbers, series, levels. The
// answer shapes follow the Prometheus HTTP API (stable and documented; Prometheus has no
// OpenAPI document, so these few types are written here).
export type Labels = Record<string, string>;
/** [unix seconds, value as text] — values may be "NaN" or "+Inf". */
export type PromPoint = [number, string];
export interface PromSample {
  metric: Labels;
  value: PromPoint;
}
export interface PromSeries {
  metric: Labels;
  values: PromPoint[];
}
export interface PromAlert {
  labels: Labels;
  annotations: Labels;
  state: "firing" | "pending" | "inactive";
  activeAt?: string;
  value?: string;
}

/** green ok / amber warn / red bad; unknown: no data (never shown as a zero). */
export type Level = "ok" | "warn" | "bad" | "unknown";
export interface Thresholds {
  warn: number;
  bad: number;
}

function numeric(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The level of a value where more is worse (lag, age, errors). */
export function levelOf(value: number | null | undefined, limits: Thresholds): Level {
  if (value == null || Number.isNaN(value)) return "unknown";
  if (value >= limits.bad) return "bad";
  if (value >= limits.warn) return "warn";
  return "ok";
}

/** The level of a value where less is worse (share confirmed near the deadline). */
export function levelOfAtLeast(value: number | null | undefined, limits: Thresholds): Level {
  if (value == null || Number.isNaN(value)) return "unknown";
  if (value <= limits.bad) return "bad";
  if (value <= limits.warn) return "warn";
  return "ok";
}

/** The worst of several levels (unknown only when nothing is known). */
export function worst(levels: Level[]): Level {
  for (const level of ["bad", "warn", "ok"] as const) if (levels.includes(level)) return level;
  return "unknown";
}

/** The single number of an aggregated query; null when the vector is empty (no data). */
export function scalarOf(vector: PromSample[]): number | null {
  const first = vector[0];
  return first ? numeric(first.value[1]) : null;
}

/** One number per value of a label (e.g. `job`), samples without a number left out. */
export function byLabel(vector: PromSample[], label: string): Record<string, number> {
  const answer: Record<string, number> = {};
  for (const sample of vector) {
    const value = numeric(sample.value[1]);
    const key = sample.metric[label];
    if (value != null && key !== undefined) answer[key] = value;
  }
  return answer;
}

export interface ChartSeries {
  name: string;
  /** [epoch milliseconds, value]; gaps (NaN, missing scrapes) as null so lines break */
  data: [number, number | null][];
}

/** A range answer as chart series, named by `nameOf`, sorted by name. */
export function toSeries(matrix: PromSeries[], nameOf: (metric: Labels) => string): ChartSeries[] {
  return matrix
    .map((series) => ({
      name: nameOf(series.metric),
      data: series.values.map(([at, text]): [number, number | null] => [at * 1000, numeric(text)]),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The step of a range query so that a window holds about `points` points (≥ 5 s). */
export function stepFor(windowS: number, points = 120): number {
  return Math.max(5, Math.ceil(windowS / points));
}

/** Firing alerts first, the most severe first, then by name. */
export function sortAlerts(alerts: PromAlert[]): PromAlert[] {
  const rank = (a: PromAlert) =>
    (a.state === "firing" ? 0 : 10) + (a.labels.severity === "critical" ? 0 : a.labels.severity === "warning" ? 1 : 2);
  return [...alerts].sort((a, b) => rank(a) - rank(b) || (a.labels.alertname ?? "").localeCompare(b.labels.alertname ?? ""));
}

/** A service's tile: down when no instance answers, amber when some do or errors appear,
 *  red from 1 % of 5xx answers (the HttpErrorRate alert's threshold). */
export function healthLevel(up: number | null, targets: number | null, errorShare: number | null): Level {
  if (up == null || targets == null || targets === 0) return "unknown";
  if (up === 0) return "bad";
  return worst([up < targets ? "warn" : "ok", levelOf(errorShare ?? 0, { warn: 0.001, bad: 0.01 })]);
}

/** A duration in the unit people read it in: seconds below 2 min, minutes below 2 h. */
export function durationIn(seconds: number): { unit: "s" | "min" | "h"; n: number } {
  if (seconds < 120) return { unit: "s", n: Math.round(seconds) };
  if (seconds < 7200) return { unit: "min", n: Math.round(seconds / 60) };
  return { unit: "h", n: Math.round(seconds / 360) / 10 };
}

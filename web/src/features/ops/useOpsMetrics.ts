// What the dashboard reads from Prometheus on each refresh: the headline numbers, service
// health, dead letters, alerts and the time series. A failed refresh clears it all and keeps
// the problem, so an unreachable Prometheus never reads as zeros.
import { ref, shallowRef } from "vue";
import { alerts as fetchAlerts, query, queryRange } from "@/api/prometheus";
import {
  byLabel,
  healthLevel,
  scalarOf,
  sortAlerts,
  stepFor,
  toSeries,
  type ChartSeries,
  type Level,
  type PromAlert,
  type PromSample,
} from "@/lib/prom";

export const JOBS = ["identity", "records", "photos", "notify", "corrections"] as const;
const RECENT_S = 30 * 60;
const PROGRESS_S = 6 * 3600;

const Q = {
  eventsPerS: "sum(rate(outbox_events_published_total[1m]))",
  worstLag: "topk(1, sum by (consumer, topic) (consumer_lag))",
  oldestOutbox: "topk(1, max by (job) (outbox_oldest_unpublished_age_seconds))",
  dlq: "sum by (consumer, topic) (increase(consumer_dead_letters_total[24h]))",
  up: "sum by (job) (up)",
  targets: "count by (job) (up)",
  rate: "sum by (job) (rate(http_requests_total[1m]))",
  // a service without any 5xx has no numerator series: count it as 0, not as no traffic
  errors:
    '(sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) or sum by (job) (rate(http_requests_total[5m])) * 0)' +
    " / sum by (job) (rate(http_requests_total[5m]))",
  eventsByTopic: "sum by (topic) (rate(outbox_events_published_total[1m]))",
  lagByConsumer: "sum by (consumer) (consumer_lag)",
  outboxAge: "max by (job) (outbox_oldest_unpublished_age_seconds)",
  progress: "sum by (status) (photos_slots)",
};

export interface HealthRow {
  job: string;
  up: number | null;
  targets: number | null;
  requestsPerS: number | null;
  errorShare: number | null;
  level: Level;
}
export interface DlqRow {
  consumer: string;
  topic: string;
  count: number;
}
export interface OpsMetrics {
  eventsPerS: number | null;
  worstLag: { value: number; consumer: string; topic: string } | null;
  oldestOutbox: { seconds: number; job: string } | null;
  dlqTotal: number;
  dlq: DlqRow[];
  health: HealthRow[];
  alerts: PromAlert[];
  eventsByTopic: ChartSeries[];
  lagByConsumer: ChartSeries[];
  outboxAge: ChartSeries[];
  progress: ChartSeries[];
}

function top(vector: PromSample[]): { value: number; labels: Record<string, string> } | null {
  const value = scalarOf(vector);
  return value == null ? null : { value, labels: vector[0]?.metric ?? {} };
}

function healthRows(up: PromSample[], targets: PromSample[], rate: PromSample[], errors: PromSample[]): HealthRow[] {
  const [u, n, r, e] = [byLabel(up, "job"), byLabel(targets, "job"), byLabel(rate, "job"), byLabel(errors, "job")];
  return JOBS.map((job) => ({
    job,
    up: u[job] ?? null,
    targets: n[job] ?? null,
    requestsPerS: r[job] ?? null,
    errorShare: e[job] ?? null,
    level: healthLevel(u[job] ?? null, n[job] ?? null, e[job] ?? null),
  }));
}

async function load(nowMs: number): Promise<OpsMetrics> {
  const recent = (expr: string) => queryRange(expr, RECENT_S, stepFor(RECENT_S), nowMs);
  const [events, lag, outbox, dlq, up, targets, rate, errors, alerts, byTopic, byConsumer, age, progress] = await Promise.all([
    query(Q.eventsPerS),
    query(Q.worstLag),
    query(Q.oldestOutbox),
    query(Q.dlq),
    query(Q.up),
    query(Q.targets),
    query(Q.rate),
    query(Q.errors),
    fetchAlerts(),
    recent(Q.eventsByTopic),
    recent(Q.lagByConsumer),
    recent(Q.outboxAge),
    queryRange(Q.progress, PROGRESS_S, stepFor(PROGRESS_S), nowMs),
  ]);
  // a counter's increase is extrapolated: whole messages, those above half a message
  const dlqRows = dlq
    .map((s) => ({ consumer: s.metric.consumer ?? "", topic: s.metric.topic ?? "", count: Math.round(Number(s.value[1]) || 0) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.count - a.count);
  const worstLag = top(lag);
  const oldest = top(outbox);
  return {
    eventsPerS: scalarOf(events),
    worstLag: worstLag && { value: worstLag.value, consumer: worstLag.labels.consumer ?? "", topic: worstLag.labels.topic ?? "" },
    oldestOutbox: oldest && { seconds: oldest.value, job: oldest.labels.job ?? "" },
    // no series: nothing was ever dead-lettered (the counter appears with its first message)
    dlqTotal: dlqRows.reduce((sum, row) => sum + row.count, 0),
    dlq: dlqRows,
    health: healthRows(up, targets, rate, errors),
    alerts: sortAlerts(alerts.filter((a) => a.state !== "inactive")),
    eventsByTopic: toSeries(byTopic, (m) => m.topic ?? ""),
    lagByConsumer: toSeries(byConsumer, (m) => m.consumer ?? ""),
    outboxAge: toSeries(age, (m) => m.job ?? ""),
    progress: toSeries(progress, (m) => m.status ?? ""),
  };
}

export function useOpsMetrics() {
  const metrics = shallowRef<OpsMetrics | null>(null);
  const error = ref<unknown>(null);
  async function refresh(): Promise<void> {
    try {
      metrics.value = await load(Date.now());
      error.value = null;
    } catch (problem) {
      metrics.value = null;
      error.value = problem;
    }
  }
  return { metrics, error, refresh };
}

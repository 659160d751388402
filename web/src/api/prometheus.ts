// Prometheus through the gateway (/api/prometheus, ops and admin only), with the same token,
// problem and 401 handling as the typed clients (fetchBlob). Prometheus has no OpenAPI
// document; the few answer types of its stable HTTP API are in lib/prom.ts.
import type { PromAlert, PromSample, PromSeries } from "@/lib/prom";
import { fetchBlob } from "./clients";
import { ApiProblem } from "./problem";

const BASE = "/api/prometheus/api/v1";

interface PromAnswer<T> {
  status: "success" | "error";
  data?: T;
  errorType?: string;
  error?: string;
}

async function get<T>(path: string, params: Record<string, string>): Promise<T> {
  const blob = await fetchBlob(`${BASE}/${path}?${new URLSearchParams(params).toString()}`);
  const answer = JSON.parse(await blob.text()) as PromAnswer<T>;
  if (answer.status !== "success" || answer.data === undefined) {
    throw new ApiProblem(422, { code: "prometheus_query", detail: answer.error ?? answer.errorType });
  }
  return answer.data;
}

/** An instant query: one sample per series. */
export async function query(expr: string): Promise<PromSample[]> {
  return (await get<{ result: PromSample[] }>("query", { query: expr })).result;
}

/** A range query over the last `windowS` seconds, one point every `stepS` seconds. */
export async function queryRange(expr: string, windowS: number, stepS: number, nowMs = Date.now()): Promise<PromSeries[]> {
  const end = Math.floor(nowMs / 1000);
  const params = { query: expr, start: String(end - windowS), end: String(end), step: String(stepS) };
  return (await get<{ result: PromSeries[] }>("query_range", params)).result;
}

/** The alerts Prometheus holds now (pending and firing). */
export async function alerts(): Promise<PromAlert[]> {
  return (await get<{ alerts: PromAlert[] }>("alerts", {})).alerts;
}

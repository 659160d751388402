// The two identity-case queues (corrections and disputes) have the same shape: one place
// that picks the path for a kind, so the pages speak of a case and its kind only.
import { corrections, data } from "@/api/clients";
import type { components } from "@/api/generated/corrections";

export type CaseKind = components["schemas"]["CaseRead"]["kind"];
export type CaseStatus = components["schemas"]["CaseRead"]["status"];
export type CaseRead = components["schemas"]["CaseRead"];
export type CaseDetail = components["schemas"]["CaseDetail"];
export type CasePage = components["schemas"]["CasePage"];

export const CASE_KINDS: CaseKind[] = ["correction", "dispute"];
const BASE = { correction: "/v1/identity-corrections", dispute: "/v1/identity-disputes" } as const;

export async function listCases(kind: CaseKind, query: { status?: CaseStatus; limit: number; offset: number }): Promise<CasePage> {
  const params = { params: { query } };
  return data(
    kind === "correction"
      ? await corrections.GET("/v1/identity-corrections", params)
      : await corrections.GET("/v1/identity-disputes", params),
  );
}

export async function readCase(kind: CaseKind, caseId: string): Promise<CaseDetail> {
  const params = { params: { path: { case_id: caseId } } };
  return data(
    kind === "correction"
      ? await corrections.GET("/v1/identity-corrections/{case_id}", params)
      : await corrections.GET("/v1/identity-disputes/{case_id}", params),
  );
}

export async function approveCase(kind: CaseKind, caseId: string, reason: string | null): Promise<CaseRead> {
  const request = { params: { path: { case_id: caseId } }, body: { reason } };
  return data(
    kind === "correction"
      ? await corrections.POST("/v1/identity-corrections/{case_id}/approve", request)
      : await corrections.POST("/v1/identity-disputes/{case_id}/approve", request),
  );
}

export async function rejectCase(kind: CaseKind, caseId: string, reason: string): Promise<CaseRead> {
  const request = { params: { path: { case_id: caseId } }, body: { reason } };
  return data(
    kind === "correction"
      ? await corrections.POST("/v1/identity-corrections/{case_id}/reject", request)
      : await corrections.POST("/v1/identity-disputes/{case_id}/reject", request),
  );
}

/** The scan's address (behind auth: fetched with the token, shown from a blob: URL). */
export function scanPath(kind: CaseKind, caseId: string): string {
  return `/api/corrections${BASE[kind]}/${encodeURIComponent(caseId)}/scan`;
}

// One typed client per service (openapi-fetch over the generated types). Every call carries
// the bearer token; a problem answer becomes an ApiProblem; 401 ends the session.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as CorrectionsPaths } from "./generated/corrections";
import type { paths as IdentityPaths } from "./generated/identity";
import type { paths as NotifyPaths } from "./generated/notify";
import type { paths as PhotosPaths } from "./generated/photos";
import type { paths as RecordsPaths } from "./generated/records";
import type { paths as ReportsPaths } from "./generated/reports";
import type { paths as SubscriptionsPaths } from "./generated/subscriptions";
import { problemFrom } from "./problem";
import { session } from "./session";

let onUnauthenticated: () => void = () => {};

/** Called once by the app: where to go when the session is no longer accepted. */
export function handleUnauthenticated(callback: () => void): void {
  onUnauthenticated = callback;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token.value;
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    const problem = await problemFrom(response);
    if (response.status === 401 && session.token.value) {
      session.signOut();
      onUnauthenticated();
    }
    throw problem;
  },
};

function client<Paths extends object>(service: string) {
  const c = createClient<Paths>({ baseUrl: `/api/${service}` });
  c.use(auth);
  return c;
}

export const identity = client<IdentityPaths>("identity");
export const records = client<RecordsPaths>("records");
export const photos = client<PhotosPaths>("photos");
export const notify = client<NotifyPaths>("notify");
export const corrections = client<CorrectionsPaths>("corrections");
export const reports = client<ReportsPaths>("reports");
export const subscriptions = client<SubscriptionsPaths>("subscriptions");

/** The data of a successful call (problems were thrown by the middleware). */
export function data<T>(result: { data?: T; error?: unknown }): T {
  if (result.data === undefined) throw new Error("empty answer");
  return result.data;
}

/** A binary or non-JSON answer (images, CSV, PDF) with the same token and problem handling. */
export async function fetchBlob(path: string): Promise<Blob> {
  const headers: Record<string, string> = {};
  const token = session.token.value;
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers });
  if (!response.ok) {
    const problem = await problemFrom(response);
    if (response.status === 401 && token) {
      session.signOut();
      onUnauthenticated();
    }
    throw problem;
  }
  return response.blob();
}

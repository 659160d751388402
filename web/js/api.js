// The gateway's API: bearer token from sessionStorage, RFC 9457 problems as errors.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status; this.code = problem?.code; this.problem = problem;
  }
}
export const session = {
  get token() { return sessionStorage.getItem("token"); },
  set token(value) { value ? sessionStorage.setItem("token", value) : sessionStorage.removeItem("token"); },
};
export async function api(path, { method = "GET", json, form, raw = false } = {}) {
  const headers = {};
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  const response = await fetch(`/api/${path}`, { method, headers, body });
  if (raw) { if (!response.ok) throw new ApiError(response.status); return response; }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
export function shanghaiTime(iso) {
  return new Intl.DateTimeFormat(undefined, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" })
    .format(new Date(iso)) + " (Asia/Shanghai)";
}

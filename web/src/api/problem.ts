// RFC 9457 problems from the services and the gateway, as errors with a sentence per `code`
// in the current language; 429 says when to try again (Retry-After).
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: { loc?: (string | number)[]; msg?: string; type?: string }[];
  [member: string]: unknown;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ProblemBody;
  readonly retryAfterS: number | null;

  constructor(status: number, body: ProblemBody, retryAfter: string | null = null) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.code = body.code ?? (status === 0 ? "network" : `http_${status}`);
    this.body = body;
    this.retryAfterS = parseRetryAfter(retryAfter, body);
  }
}

export function parseRetryAfter(header: string | null, body: ProblemBody = {}, nowMs = Date.now()): number | null {
  const fromBody = body.retry_after_s;
  if (typeof fromBody === "number" && fromBody >= 0) return Math.ceil(fromBody);
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

type Translate = (key: string, values?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

/** The sentence to show for a problem: 429 with its wait, a known code, else the server's detail. */
export function problemMessage(problem: unknown, t: Translate, te: Has): string {
  if (!(problem instanceof ApiProblem)) return t("problems.network");
  if (problem.status === 429 && problem.retryAfterS != null) return t("problems.retryIn", { s: problem.retryAfterS });
  const key = `problems.code.${problem.code}`;
  if (te(key)) return t(key);
  if (problem.status === 0) return t("problems.network");
  return problem.body.detail ?? t("problems.fallback");
}

export async function problemFrom(response: Response): Promise<ApiProblem> {
  let body: ProblemBody = {};
  try {
    const parsed: unknown = await response.clone().json();
    if (parsed && typeof parsed === "object") body = parsed as ProblemBody;
  } catch {
    body = {};
  }
  return new ApiProblem(response.status, body, response.headers.get("Retry-After"));
}

// Reads the claims of identity's access token for navigation only; every service verifies it.
export type Role =
  | "student"
  | "college_staff"
  | "registrar"
  | "photographer"
  | "support"
  | "ops"
  | "admin";

export interface Claims {
  sub: string;
  role: Role;
  exp: number;
  institution_code?: string | null;
  college?: string | null;
  status?: string | null;
}

export function decodeClaims(token: string): Claims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
    return typeof claims.sub === "string" && typeof claims.role === "string" && typeof claims.exp === "number"
      ? (claims as Claims)
      : null;
  } catch {
    return null;
  }
}

export function expired(claims: Claims, nowMs = Date.now()): boolean {
  return claims.exp * 1000 <= nowMs;
}

// Campus single sign-on in the portal: where a button leads, and what identity's redirect
// back says in the URL fragment (a one-time code, or a problem code). The fragment never
// reaches a server; the page drops it from the address bar once read.

export type SsoProtocol = "oidc" | "cas";

export type SsoOutcome = { code: string } | { error: string } | null;

/** The gateway path that starts a campus login (a full-page navigation, not a fetch). */
export function ssoLoginPath(institutionCode: string, protocol: SsoProtocol): string {
  return `/api/identity/v1/sso/${encodeURIComponent(institutionCode)}/${protocol}/login`;
}

/** `#code=…` or `#error=…` from identity's redirect; anything else is nothing. */
export function parseSsoFragment(hash: string): SsoOutcome {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const code = params.get("code");
  if (code && /^[A-Za-z0-9_-]{16,128}$/.test(code)) return { code };
  const error = params.get("error");
  if (error && /^[a-z_]{1,64}$/.test(error)) return { error };
  return null;
}

/** Where a fresh campus session goes first: real-name registration while it is missing. */
export function afterSsoPath(role: string | null, status: string | null | undefined, home: string): string {
  return role === "student" && status === "email_verified" ? "/realname" : home;
}

// The account form rules identity enforces, checked in the browser first so a person hears
// about a mistake before sending (identity answers the same codes).
const SPECIALS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 30;

export type PasswordProblem = "password_mismatch" | "password_length" | "password_characters";

export function checkPassword(password: string, confirm: string): PasswordProblem | null {
  if (password !== confirm) return "password_mismatch";
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return "password_length";
  const allowed = [...password].every((ch) => /^[A-Za-z0-9]$/.test(ch) || SPECIALS.includes(ch));
  return allowed ? null : "password_characters";
}

/** Edu-mail users (…edu.cn, …edu) may register their real name without a mobile number. */
export function isEduEmail(email: string | null | undefined): boolean {
  const domain = (email ?? "").trim().toLowerCase().split("@")[1] ?? "";
  return domain.endsWith(".edu.cn") || domain.endsWith(".edu") || domain === "edu.cn";
}

/** A mainland mobile number (11 digits starting with 1), with +86, spaces and dashes allowed. */
export function normaliseMobile(raw: string): string | null {
  const digits = raw.normalize("NFKC").replace(/[\s-]/g, "").replace(/^\+?86/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

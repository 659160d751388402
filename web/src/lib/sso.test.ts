import { describe, expect, it } from "vitest";
import { afterSsoPath, parseSsoFragment, ssoLoginPath } from "./sso";

describe("campus sign-on", () => {
  it("reads the one-time code or the problem code from the fragment", () => {
    const code = "Zq3_x-" + "a".repeat(37);
    expect(parseSsoFragment(`#code=${code}`)).toEqual({ code });
    expect(parseSsoFragment("#error=sso_not_in_roster")).toEqual({ error: "sso_not_in_roster" });
  });

  it("ignores what identity never sends", () => {
    expect(parseSsoFragment("")).toBeNull();
    expect(parseSsoFragment("#code=short")).toBeNull();
    expect(parseSsoFragment("#error=<script>")).toBeNull();
    expect(parseSsoFragment("#token=abc")).toBeNull();
  });

  it("starts a login at the gateway, institution code escaped", () => {
    expect(ssoLoginPath("10335", "oidc")).toBe("/api/identity/v1/sso/10335/oidc/login");
    expect(ssoLoginPath("a/b", "cas")).toBe("/api/identity/v1/sso/a%2Fb/cas/login");
  });

  it("sends a student without a real name to real-name registration", () => {
    expect(afterSsoPath("student", "email_verified", "/student")).toBe("/realname");
    expect(afterSsoPath("student", "active", "/student")).toBe("/student");
    expect(afterSsoPath("registrar", "active", "/registrar/imports")).toBe("/registrar/imports");
  });
});

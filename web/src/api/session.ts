// The signed-in account: identity's access token (sessionStorage: gone with the tab) and
// its claims, reactive so the navigation follows a login or logout.
import { computed, ref } from "vue";
import { decodeClaims, expired, type Claims, type Role } from "@/lib/jwt";

const STORAGE_KEY = "jiaodui.token";
const token = ref<string | null>(sessionStorage.getItem(STORAGE_KEY));

const claims = computed<Claims | null>(() => {
  const decoded = token.value ? decodeClaims(token.value) : null;
  return decoded && !expired(decoded) ? decoded : null;
});

export const session = {
  token: computed(() => token.value),
  claims,
  role: computed<Role | null>(() => claims.value?.role ?? null),
  signIn(accessToken: string): void {
    token.value = accessToken;
    sessionStorage.setItem(STORAGE_KEY, accessToken);
  },
  signOut(): void {
    token.value = null;
    sessionStorage.removeItem(STORAGE_KEY);
  },
};

/** Where each role starts after logging in. */
export const HOME_OF: Record<Role, string> = {
  student: "/student",
  college_staff: "/college/errata",
  registrar: "/registrar/imports",
  photographer: "/photographer/batches",
  support: "/support/cases",
  ops: "/ops",
  admin: "/admin/staff",
};

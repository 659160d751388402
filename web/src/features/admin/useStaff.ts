// Staff accounts for the admin: a filtered page of them, create, change scope, disable/enable.
import { reactive, ref } from "vue";
import { data, identity } from "@/api/clients";
import type { components } from "@/api/generated/identity";

export type StaffRead = components["schemas"]["StaffRead"];
export type StaffRole = StaffRead["role"];
export type StaffCreate = components["schemas"]["StaffCreate"];
export type StaffUpdate = components["schemas"]["StaffUpdate"];
export const STAFF_ROLES: StaffRole[] = ["college_staff", "registrar", "photographer", "support", "ops", "admin"];
/** roles that must have an institution (college_staff also a college) */
export const SCOPED_ROLES: StaffRole[] = ["college_staff", "registrar", "photographer"];
/** roles that may have one (support: an institution's help desk, or everyone's) */
export const MAY_HAVE_INSTITUTION: StaffRole[] = [...SCOPED_ROLES, "support"];

export function useStaff() {
  const filters = reactive({ role: "" as StaffRole | "", q: "", institution: "" });
  const page = ref(1);
  const pageSize = 20;
  const rows = ref<StaffRead[]>([]);
  const total = ref(0);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const answer = data(
        await identity.GET("/v1/staff", {
          params: {
            query: {
              role: filters.role || undefined,
              q: filters.q.trim() || undefined,
              institution_code: filters.institution.trim() || undefined,
              limit: pageSize,
              offset: (page.value - 1) * pageSize,
            },
          },
        }),
      );
      rows.value = answer.items;
      total.value = answer.total;
    } finally {
      loading.value = false;
    }
  }

  async function create(body: StaffCreate): Promise<void> {
    await identity.POST("/v1/staff", { body });
    await load();
  }

  async function update(account: StaffRead, body: StaffUpdate): Promise<void> {
    await identity.PATCH("/v1/staff/{account_id}", { params: { path: { account_id: account.account_id } }, body });
    await load();
  }

  return { filters, page, pageSize, rows, total, loading, load, create, update };
}

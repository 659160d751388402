// One static route table. `meta.roles` says who may open a page (none: anyone), `meta.nav`
// puts it in that role's navigation; the guard returns a location instead of rendering a
// page the caller may not see. Each page is its own chunk, so a phone opening the student
// portal never downloads a staff workbench.
import { createRouter, createWebHistory, type RouteLocationRaw, type RouteRecordRaw } from "vue-router";
import { HOME_OF, session } from "@/api/session";
import type { Role } from "@/lib/jwt";

declare module "vue-router" {
  interface RouteMeta {
    roles?: Role[];
    /** message key of the navigation entry */
    nav?: string;
    /** only for visitors who are not signed in (login, register) */
    guest?: boolean;
    /** a bare page without the application shell (print views) */
    bare?: boolean;
  }
}

const STAFF_WITH_BATCHES: Role[] = ["photographer", "registrar"];

export const routes: RouteRecordRaw[] = [
  { path: "/", name: "start", component: () => import("@/features/account/AccountStartPage.vue") },
  { path: "/login", alias: "/login.html", name: "login", meta: { guest: true }, component: () => import("@/features/account/AccountLoginPage.vue") },
  { path: "/sso/done", name: "sso-done", component: () => import("@/features/account/AccountSsoPage.vue") },
  { path: "/register", alias: "/register.html", name: "register", meta: { guest: true }, component: () => import("@/features/account/AccountRegisterPage.vue") },
  { path: "/activate", alias: "/activate.html", name: "activate", component: () => import("@/features/account/AccountActivatePage.vue") },
  { path: "/recover", alias: "/recover.html", name: "recover", component: () => import("@/features/account/AccountRecoverPage.vue") },
  { path: "/reset", alias: "/reset.html", name: "reset", component: () => import("@/features/account/AccountResetPage.vue") },
  { path: "/realname", alias: "/realname.html", name: "realname", meta: { roles: ["student"] }, component: () => import("@/features/account/AccountRealnamePage.vue") },
  { path: "/account", name: "account", meta: { roles: ["student", "college_staff", "registrar", "photographer", "support", "ops", "admin"] }, component: () => import("@/features/account/AccountSettingsPage.vue") },

  { path: "/student", name: "student-home", meta: { roles: ["student"], nav: "common.nav.home" }, component: () => import("@/features/student/StudentHomePage.vue") },
  { path: "/student/record", alias: "/record.html", name: "student-record", meta: { roles: ["student"], nav: "common.nav.record" }, component: () => import("@/features/student/StudentRecordPage.vue") },
  { path: "/student/record/:recordId/print", name: "student-record-print", meta: { roles: ["student"], bare: true }, component: () => import("@/features/student/StudentRecordPrintPage.vue") },
  { path: "/student/photos", alias: "/photos.html", name: "student-photos", meta: { roles: ["student"], nav: "common.nav.photos" }, component: () => import("@/features/student/StudentPhotosPage.vue") },
  { path: "/student/errata", alias: "/errata.html", name: "student-errata", meta: { roles: ["student"], nav: "common.nav.errata" }, component: () => import("@/features/student/StudentErrataPage.vue") },
  { path: "/student/id-case", alias: ["/id-correction.html", "/support.html"], name: "student-id-case", meta: { roles: ["student"], nav: "common.nav.idCase" }, component: () => import("@/features/student/StudentIdCasePage.vue") },
  { path: "/student/messages", name: "student-messages", meta: { roles: ["student"], nav: "common.nav.messages" }, component: () => import("@/features/student/StudentMessagesPage.vue") },
  { path: "/student/reports", name: "student-reports", meta: { roles: ["student"], nav: "common.nav.reports" }, component: () => import("@/features/student/StudentReportsPage.vue") },
  { path: "/verify/:code?", name: "verify", component: () => import("@/features/public/PublicVerifyPage.vue") },
  { path: "/catalogue", name: "catalogue", component: () => import("@/features/public/PublicCataloguePage.vue") },
  { path: "/missing.html", redirect: "/student" },

  { path: "/college/errata", name: "college-errata", meta: { roles: ["college_staff", "registrar"], nav: "common.nav.collegeErrata" }, component: () => import("@/features/college/CollegeErrataPage.vue") },
  { path: "/college/reviews", name: "college-reviews", meta: { roles: ["college_staff", "registrar"], nav: "common.nav.collegeReviews" }, component: () => import("@/features/college/CollegeReviewsPage.vue") },
  { path: "/college/students", name: "college-students", meta: { roles: ["college_staff", "registrar"], nav: "common.nav.collegeStudents" }, component: () => import("@/features/college/CollegeStudentsPage.vue") },

  { path: "/registrar/imports", name: "registrar-imports", meta: { roles: ["registrar", "admin"], nav: "common.nav.registrarImports" }, component: () => import("@/features/registrar/RegistrarImportsPage.vue") },
  { path: "/registrar/windows", name: "registrar-windows", meta: { roles: ["registrar", "admin"], nav: "common.nav.registrarWindows" }, component: () => import("@/features/registrar/RegistrarWindowsPage.vue") },
  { path: "/photographer/batches", name: "batches", meta: { roles: STAFF_WITH_BATCHES, nav: "common.nav.batches" }, component: () => import("@/features/photographer/PhotographerBatchesPage.vue") },

  { path: "/support/cases", name: "support-cases", meta: { roles: ["support"], nav: "common.nav.supportCases" }, component: () => import("@/features/support/SupportCasesPage.vue") },
  { path: "/ops", alias: "/ops.html", name: "ops", meta: { roles: ["ops", "admin"], nav: "common.nav.ops" }, component: () => import("@/features/ops/OpsDashboardPage.vue") },
  { path: "/admin/staff", name: "admin-staff", meta: { roles: ["admin"], nav: "common.nav.adminStaff" }, component: () => import("@/features/admin/AdminStaffPage.vue") },
  { path: "/subscribers", name: "subscribers", meta: { roles: ["admin", "registrar"], nav: "subscriptions.nav" }, component: () => import("@/features/admin/AdminSubscribersPage.vue") },
  { path: "/subscribers/:subscriberId/deliveries", name: "subscriber-deliveries", meta: { roles: ["admin", "registrar"] }, component: () => import("@/features/admin/AdminSubscriberDeliveriesPage.vue") },

  { path: "/staff/errata.html", redirect: "/college/errata" },
  { path: "/staff/registrar.html", redirect: "/registrar/imports" },
  { path: "/staff/support.html", redirect: "/support/cases" },
  { path: "/forbidden", name: "forbidden", component: () => import("@/components/AppForbidden.vue") },
  { path: "/:rest(.*)*", name: "not-found", component: () => import("@/components/AppNotFound.vue") },
];

export function homeOf(role: Role | null): string {
  return role ? HOME_OF[role] : "/";
}

/** Where a visitor may go instead of `to`, or true when they may see it. */
export function admission(
  to: { path: string; fullPath: string; meta: { roles?: Role[]; guest?: boolean } },
  role: Role | null,
): RouteLocationRaw | true {
  if (to.meta.guest && role) return homeOf(role);
  if (!to.meta.roles) return true;
  if (!role) return { name: "login", query: { next: to.fullPath } };
  return to.meta.roles.includes(role) ? true : { name: "forbidden" };
}

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  });
  router.beforeEach((to) => admission(to, session.role.value));
  return router;
}

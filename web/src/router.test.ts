import { describe, expect, it } from "vitest";
import { admission, routes } from "./router";

const route = (path: string) => {
  const found = routes.find((r) => r.path === path);
  if (!found) throw new Error(path);
  return { path, fullPath: path, meta: found.meta ?? {} };
};

describe("route guard", () => {
  it("sends visitors to log in, keeping where they wanted to go", () => {
    expect(admission(route("/student/photos"), null)).toEqual({ name: "login", query: { next: "/student/photos" } });
  });
  it("lets each role into its own pages only", () => {
    expect(admission(route("/college/errata"), "college_staff")).toBe(true);
    expect(admission(route("/college/errata"), "student")).toEqual({ name: "forbidden" });
    expect(admission(route("/ops"), "ops")).toBe(true);
    expect(admission(route("/admin/staff"), "ops")).toEqual({ name: "forbidden" });
  });
  it("sends a signed-in user from the login page to their workbench", () => {
    expect(admission(route("/login"), "registrar")).toBe("/registrar/imports");
    expect(admission(route("/login"), "student")).toBe("/student");
  });
  it("gives every role a home page it may open", () => {
    for (const role of ["student", "college_staff", "registrar", "photographer", "support", "ops", "admin"] as const) {
      const home = routes.find((r) => r.path === admission(route("/login"), role));
      expect(home?.meta?.roles).toContain(role);
    }
  });
});

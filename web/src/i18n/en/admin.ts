import type { Messages } from "../schema";

export default {
  title: "admin",
} satisfies Messages["admin"];

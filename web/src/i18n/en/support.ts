import type { Messages } from "../schema";

export default {
  title: "support",
} satisfies Messages["support"];

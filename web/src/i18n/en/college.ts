import type { Messages } from "../schema";

export default {
  title: "college",
} satisfies Messages["college"];

import type { Messages } from "../schema";

export default {
  title: "student",
} satisfies Messages["student"];

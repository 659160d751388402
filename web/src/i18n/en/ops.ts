import type { Messages } from "../schema";

export default {
  title: "ops",
} satisfies Messages["ops"];

import type { Messages } from "../schema";

export default {
  title: "photographer",
} satisfies Messages["photographer"];

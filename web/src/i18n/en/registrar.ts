import type { Messages } from "../schema";

export default {
  title: "registrar",
} satisfies Messages["registrar"];

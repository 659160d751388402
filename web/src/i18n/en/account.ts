import type { Messages } from "../schema";

export default {
  start: {
    title: "Graduates' record and photo check",
    lead: "Check the student record and the graduation photo your degree certificate will carry, and ask for corrections before the deadline.",
    steps: "How it works",
    login: "Log in",
    register: "Create an account",
    staff: "Institution staff log in with the account their institution gave them.",
  },
  login: {
    title: "Log in",
    email: "E-mail (user name)",
    password: "Password",
    submit: "Log in",
    forgot: "Forgot your user name or password?",
    noAccount: "No account yet?",
    register: "Register",
    expired: "Your session has ended. Please log in again.",
  },
} satisfies Messages["account"];

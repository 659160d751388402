import type { Messages } from "../schema";
import account from "./account";
import admin from "./admin";
import college from "./college";
import common from "./common";
import ops from "./ops";
import photographer from "./photographer";
import problems from "./problems";
import registrar from "./registrar";
import reports from "./reports";
import student from "./student";
import subscriptions from "./subscriptions";
import support from "./support";

export const en: Messages = { common, problems, account, student, college, registrar, photographer, support, ops, admin, reports, subscriptions };

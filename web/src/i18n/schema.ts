// zh-CN is the schema of the messages: every other language is typed against it.
import account from "./zh-CN/account";
import admin from "./zh-CN/admin";
import college from "./zh-CN/college";
import common from "./zh-CN/common";
import ops from "./zh-CN/ops";
import photographer from "./zh-CN/photographer";
import problems from "./zh-CN/problems";
import registrar from "./zh-CN/registrar";
import reports from "./zh-CN/reports";
import student from "./zh-CN/student";
import subscriptions from "./zh-CN/subscriptions";
import support from "./zh-CN/support";

export const zhCN = { common, problems, account, student, college, registrar, photographer, support, ops, admin, reports, subscriptions };

type Widen<T> = T extends string ? string : T extends object ? { [K in keyof T]: Widen<T[K]> } : T;
export type Messages = Widen<typeof zhCN>;

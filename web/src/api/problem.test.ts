import { describe, expect, it } from "vitest";
import { ApiProblem, parseRetryAfter, problemMessage } from "./problem";

const messages: Record<string, string> = {
  "problems.code.window_closed": "当前不在校对时间内。",
  "problems.retryIn": "请在 {s} 秒后重试。",
  "problems.fallback": "出错了",
  "problems.network": "无法连接",
};
const t = (key: string, values?: Record<string, unknown>) =>
  (messages[key] ?? key).replace("{s}", String(values?.s ?? ""));
const te = (key: string) => key in messages;

describe("problemMessage", () => {
  it("says a known code as a sentence", () => {
    expect(problemMessage(new ApiProblem(409, { code: "window_closed", detail: "closed" }), t, te)).toBe(
      "当前不在校对时间内。",
    );
  });
  it("falls back to the server's detail for an unknown code", () => {
    expect(problemMessage(new ApiProblem(409, { code: "brand_new", detail: "Server words" }), t, te)).toBe(
      "Server words",
    );
  });
  it("tells how long to wait on 429", () => {
    expect(problemMessage(new ApiProblem(429, { code: "rate_limited" }, "42"), t, te)).toBe("请在 42 秒后重试。");
  });
  it("treats anything else as a network failure", () => {
    expect(problemMessage(new TypeError("Failed to fetch"), t, te)).toBe("无法连接");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, HTTP dates and the body's retry_after_s", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter("Tue, 01 Dec 2026 08:00:10 GMT", {}, Date.parse("2026-12-01T08:00:00Z"))).toBe(10);
    expect(parseRetryAfter(null, { retry_after_s: 3.2 })).toBe(4);
    expect(parseRetryAfter(null)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { checkPassword, isEduEmail, normaliseMobile } from "./accountRules";

describe("account rules", () => {
  it("wants the password twice alike, 6–30 letters, digits or special characters", () => {
    expect(checkPassword("Web-pass-123", "Web-pass-123")).toBeNull();
    expect(checkPassword("Web-pass-123", "Web-pass-124")).toBe("password_mismatch");
    expect(checkPassword("a1!", "a1!")).toBe("password_length");
    expect(checkPassword("x".repeat(31), "x".repeat(31))).toBe("password_length");
    expect(checkPassword("密码密码密码", "密码密码密码")).toBe("password_characters");
    expect(checkPassword("with space", "with space")).toBe("password_characters");
  });
  it("knows edu-mail addresses", () => {
    expect(isEduEmail("a@stu.pku.edu.cn")).toBe(true);
    expect(isEduEmail("a@mit.edu")).toBe(true);
    expect(isEduEmail("a@example.com")).toBe(false);
    expect(isEduEmail("a@edu.cn.example.com")).toBe(false);
    expect(isEduEmail(null)).toBe(false);
  });
  it("reads mainland mobile numbers", () => {
    expect(normaliseMobile("138 0013 8000")).toBe("13800138000");
    expect(normaliseMobile("+86-13800138000")).toBe("13800138000");
    expect(normaliseMobile("12800138000")).toBeNull();
    expect(normaliseMobile("1380013800")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { createI18n } from "vue-i18n";
import { en } from "@/i18n/en";
import { zhCN, type Messages } from "@/i18n/schema";
import { checkState, countChecks, filterFiles, findingWords, isBlocking } from "./findings";

// what the photos service writes: checks/rules.py CODES, and service_layer/checks.py `failed`
const SERVICE_CODES = [
  "unreadable", "wrong_dimensions", "jpeg_quality_low", "file_too_small", "file_too_large", "no_face", "several_faces",
  "face_too_small", "face_too_large", "face_off_centre", "eyes_out_of_range", "head_top_out_of_range",
  "background_not_plain", "background_not_light", "too_dark", "too_bright", "low_contrast", "image_missing", "check_failed",
];
const i18n = createI18n<[Messages], "zh-CN" | "en", false>({ legacy: false, locale: "zh-CN", messages: { "zh-CN": zhCN, en } });
const words = (code: string, value: number | string | null, locale: "zh-CN" | "en"): string => {
  const found = findingWords({ code, value }, locale);
  return i18n.global.t(`common.finding.${found.key}`, found.params, { locale });
};

const file = (name: string, status: string, findings: { code: string; value: number | string | null }[] | null) => ({
  file: name,
  status,
  findings,
});

describe("findings", () => {
  it("gives a measured size with the national rule's range", () => {
    expect(findingWords({ code: "face_too_small", value: 142.4 }, "zh-CN")).toEqual({
      key: "face_too_small",
      params: { value: "142", min: "180", max: "300" },
      blocking: false,
    });
    expect(findingWords({ code: "head_top_out_of_range", value: 132 }, "en").params).toEqual({ value: "132", min: "50", max: "110" });
    expect(findingWords({ code: "jpeg_quality_low", value: 41.26 }, "en").params).toEqual({ value: "41.3", min: "60" });
  });
  it("says which way a face sits off centre", () => {
    expect(findingWords({ code: "face_off_centre", value: 86 }, "zh-CN")).toMatchObject({ key: "face_off_centre_right", params: { value: "86" } });
    expect(findingWords({ code: "face_off_centre", value: -61.6 }, "zh-CN")).toMatchObject({ key: "face_off_centre_left", params: { value: "62" } });
  });
  it("shows file sizes in KB or MB and dimensions with a times sign", () => {
    expect(findingWords({ code: "file_too_small", value: 5430 }, "zh-CN").params.value).toBe("5.3 KB");
    expect(findingWords({ code: "file_too_large", value: 1_572_864 }, "en").params.value).toBe("1.5 MB");
    expect(findingWords({ code: "file_too_small", value: 2_088_000 / 1000 }, "en").params.value).toBe("2.0 KB");
    expect(findingWords({ code: "wrong_dimensions", value: "600x800" }, "en").params.value).toBe("600×800");
  });
  it("formats other values in the locale and leaves out missing ones", () => {
    expect(findingWords({ code: "too_dark", value: 51.54 }, "en").params).toEqual({ value: "51.5" });
    expect(findingWords({ code: "several_faces", value: 2 }, "zh-CN")).toEqual({ key: "several_faces", params: { value: "2" }, blocking: true });
    expect(findingWords({ code: "check_failed", value: null }, "en")).toEqual({ key: "check_failed", params: {}, blocking: true });
    expect(findingWords({ code: "something_new" }, "en")).toEqual({ key: "something_new", params: {}, blocking: false });
  });
  it("knows which findings leave no usable face", () => {
    expect(["no_face", "several_faces", "unreadable", "image_missing", "check_failed"].every((code) => isBlocking({ code }))).toBe(true);
    expect(isBlocking({ code: "too_dark", value: 40 })).toBe(false);
  });
  it("places each batch file in the checks", () => {
    expect(checkState(file("a", "invalid", null))).toBe("unchecked");
    expect(checkState(file("a", "unlinked", null))).toBe("unchecked");
    expect(checkState(file("a", "linked", null))).toBe("pending");
    expect(checkState(file("a", "linked", []))).toBe("clean");
    expect(checkState(file("a", "linked", [{ code: "too_dark", value: 50 }]))).toBe("findings");
    expect(checkState(file("a", "linked", [{ code: "too_dark", value: 50 }, { code: "no_face", value: 0 }]))).toBe("blocking");
  });
  it("counts and filters a batch's files by their findings", () => {
    const files = [
      file("ok.jpg", "linked", []),
      file("small.jpg", "linked", [{ code: "face_too_small", value: 150 }]),
      file("two.jpg", "linked", [{ code: "several_faces", value: 2 }]),
      file("wait.jpg", "linked", null),
      file("bad.jpg", "invalid", null),
    ];
    expect(countChecks(files)).toEqual({ all: 5, findings: 2, blocking: 1, pending: 1, checked: 3 });
    expect(filterFiles(files, "all").map((f) => f.file)).toEqual(["ok.jpg", "small.jpg", "two.jpg", "wait.jpg", "bad.jpg"]);
    expect(filterFiles(files, "findings").map((f) => f.file)).toEqual(["small.jpg", "two.jpg"]);
    expect(filterFiles(files, "blocking").map((f) => f.file)).toEqual(["two.jpg"]);
  });
  it("has words in both languages for every code the service writes", () => {
    for (const messages of [zhCN, en]) {
      for (const code of SERVICE_CODES) {
        for (const value of code === "wrong_dimensions" ? ["600x800"] : [12, -12]) {
          expect(Object.keys(messages.common.finding), code).toContain(findingWords({ code, value }, "en").key);
        }
      }
    }
  });
  it("reads as a sentence with the measured value and the rule", () => {
    expect(words("face_too_small", 142, "zh-CN")).toBe("人脸过小（宽 142 像素，应为 180–300）");
    expect(words("face_too_small", 142, "en")).toBe("Face too small (142 px wide; 180–300)");
    expect(words("face_off_centre", -86, "zh-CN")).toBe("人脸偏左（偏离中线 86 像素）");
    expect(words("file_too_small", 2088, "zh-CN")).toBe("文件过小（2.0 KB）");
    expect(words("wrong_dimensions", "600x800", "en")).toBe("Not 480×640 px (600×800)");
    expect(words("no_face", 0, "zh-CN")).toBe("没有检测到人脸");
  });
});

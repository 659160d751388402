import { describe, expect, it } from "vitest";
import { checkScanFile, looksLikeJpeg, SCAN_MAX_BYTES, scanProblem } from "./scan";

const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

describe("ID scans", () => {
  it("wants a JPEG of at most 1 MB", () => {
    expect(checkScanFile(null)).toBe("scan_required");
    expect(checkScanFile({ name: "a.jpg", type: "image/jpeg", size: 2000 })).toBeNull();
    expect(checkScanFile({ name: "a.png", type: "image/png", size: 2000 })).toBe("scan_not_jpeg");
    expect(checkScanFile({ name: "a.jpg", type: "image/jpeg", size: SCAN_MAX_BYTES + 1 })).toBe("scan_too_large");
    expect(checkScanFile({ name: "a.JPEG", type: "", size: 10 })).toBeNull();
    expect(checkScanFile({ name: "a.pdf", type: "", size: 10 })).toBe("scan_not_jpeg");
  });
  it("looks at the bytes, not only the name", async () => {
    expect(await looksLikeJpeg(new Blob([jpegBytes]))).toBe(true);
    expect(await looksLikeJpeg(new Blob(["%PDF-1.7"]))).toBe(false);
    const renamed = new File(["not a jpeg"], "scan.jpg", { type: "image/jpeg" });
    expect(await scanProblem(renamed)).toBe("scan_not_jpeg");
    expect(await scanProblem(new File([jpegBytes], "scan.jpg", { type: "image/jpeg" }))).toBeNull();
  });
});

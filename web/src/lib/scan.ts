// The ID scan for identity cases: one JPEG of both sides of the card, at most 1 MB, checked
// (type, size and the JPEG signature) before it is sent; corrections checks it again.
export const SCAN_MAX_BYTES = 1024 * 1024;

export type ScanProblem = "scan_required" | "scan_not_jpeg" | "scan_too_large";

export function checkScanFile(file: { name: string; type: string; size: number } | null | undefined): ScanProblem | null {
  if (!file) return "scan_required";
  const jpegName = /\.jpe?g$/i.test(file.name);
  if (file.type ? file.type !== "image/jpeg" : !jpegName) return "scan_not_jpeg";
  if (file.size > SCAN_MAX_BYTES) return "scan_too_large";
  return null;
}

/** Whether the bytes start like a JPEG (FF D8 FF), whatever the file's name says. */
export async function looksLikeJpeg(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer());
  return head.length === 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** Everything about a chosen scan: the first problem found, or null when it may be sent. */
export async function scanProblem(file: File | null | undefined): Promise<ScanProblem | null> {
  const problem = checkScanFile(file);
  if (problem || !file) return problem;
  return (await looksLikeJpeg(file)) ? null : "scan_not_jpeg";
}

// Uploads with progress (fetch cannot report upload progress): XMLHttpRequest, the same
// bearer token and problem handling as the typed clients.
import { ApiProblem, type ProblemBody } from "./problem";
import { session } from "./session";

export interface UploadOptions {
  method?: "POST" | "PUT";
  contentType?: string;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export function upload<T>(path: string, body: Blob | FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? "POST", path);
    const token = session.token.value;
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    if (options.contentType) xhr.setRequestHeader("Content-Type", options.contentType);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(parsed as T);
      } else {
        reject(new ApiProblem(xhr.status, (parsed ?? {}) as ProblemBody, xhr.getResponseHeader("Retry-After")));
      }
    };
    xhr.onerror = () => reject(new ApiProblem(0, {}));
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(body);
  });
}

// Reads a request body up to a byte limit. Content-Length alone cannot be trusted (it may be
// absent with chunked encoding, or lie), so the stream is counted as it arrives and abandoned as
// soon as it passes the limit: an oversized body is never held in memory. Web streams only, so
// it runs in workerd and, through @hono/node-server, in Node.
import { MAX_BODY_BYTES } from "../core/api.js";
import { apiError } from "./api-error.js";

export type LimitedBody = { ok: true; text: string } | { ok: false; reason: "too-large" | "not-utf8" };

export async function readLimitedBody(request: Request, limit: number): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, reason: "too-large" };
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { ok: false, reason: "not-utf8" };
  }
}

/** The API's answer to a body readLimitedBody refused. */
export function limitedBodyProblem(reason: "too-large" | "not-utf8", limit = MAX_BODY_BYTES): Response {
  return reason === "too-large"
    ? apiError(413, "body-too-large", `request body is larger than ${limit} bytes (${limit / 1024} KiB)`)
    : apiError(400, "invalid-json", "request body is not valid UTF-8");
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** The body, at most MAX_BODY_BYTES, parsed as JSON; or the 400/413 answer to give. */
export async function readJsonBody(request: Request): Promise<JsonBody> {
  const raw = await readLimitedBody(request, MAX_BODY_BYTES);
  if (!raw.ok) return { ok: false, response: limitedBodyProblem(raw.reason) };
  try {
    return { ok: true, value: JSON.parse(raw.text) };
  } catch (err) {
    return { ok: false, response: apiError(400, "invalid-json", `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`) };
  }
}

// JSON answers of the session API: `{ "error": { "code", "message" } }` for failures and plain
// JSON for the rest, always `Cache-Control: no-store`. Made in one place so every endpoint, the
// auth middleware, the hosts' guards and the error handler answer in the same shape.
import type { ApiErrorBody } from "../core/api.js";

export function jsonAnswer(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function apiError(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return jsonAnswer(body, status, headers);
}

/** 204 No Content, still uncacheable. */
export function noContent(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 204, headers: { "cache-control": "no-store", ...headers } });
}

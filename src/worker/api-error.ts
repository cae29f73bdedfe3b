// JSON error answers of the session API (`{ "error": { "code", "message" } }`), made in one place
// so every endpoint, the auth middleware and the app's error handler answer in the same shape.
import type { ApiErrorBody } from "../core/api.js";

export function apiError(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

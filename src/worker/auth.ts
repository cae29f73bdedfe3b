// Guards the session API: the bearer token (compared in constant time, never logged or echoed)
// and the CLI's API version (core `versionProblem`, so a stale CLI is told to upgrade).
import type { MiddlewareHandler } from "hono";
import { VERSION_HEADER, versionProblem } from "../core/api.js";
import { apiError } from "./api-error.js";
import type { AppEnv } from "./env.js";
import { bearerToken } from "../core/api-request.js";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Constant-time string equality. Both sides are hashed first so the comparison loop always runs
 * over 32 bytes, whatever the lengths: neither the token's length nor a matching prefix leaks
 * through timing.
 */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.env.WORKER_TOKEN;
    if (!expected)
      return apiError(
        500,
        "worker-token-missing",
        "This worker has no WORKER_TOKEN configured, so its API is closed. Set it with `wrangler secret put WORKER_TOKEN`.",
      );
    const given = bearerToken(c.req.header("authorization"));
    if (given === undefined)
      return apiError(401, "unauthorized", "Missing or malformed Authorization header: send `Authorization: Bearer <worker token>`.", {
        "www-authenticate": 'Bearer realm="linkup"',
      });
    if (!(await tokensEqual(given, expected)))
      return apiError(401, "unauthorized", "The worker token is wrong. Check worker_token in your Linkup settings.", {
        "www-authenticate": 'Bearer realm="linkup", error="invalid_token"',
      });
    const problem = versionProblem(c.req.header(VERSION_HEADER));
    if (problem) return apiError(401, "unsupported-version", problem);
    await next();
  };
}

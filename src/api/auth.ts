// Guards the session API: the bearer token (compared in constant time, never logged or echoed)
// and the CLI's API version (core `versionProblem`, so a stale CLI is told to upgrade). Each host
// says which token it expects and how to name it in messages; the checks are the same.
import type { Context, Env, MiddlewareHandler } from "hono";
import { VERSION_HEADER, versionProblem } from "../core/api.js";
import { bearerToken } from "../core/api-request.js";
import { apiError } from "./api-error.js";
import { tokensEqual } from "./token.js";

export interface ApiAuth {
  /** The token requests must carry; undefined closes the API (500 `unconfigured`). */
  token: string | undefined;
  /** The `WWW-Authenticate` realm. */
  realm: string;
  /** What the client should send, in the 401 for a missing header: "<worker token>". */
  tokenHint: string;
  /** The 401 message for a wrong token: where the right one comes from. */
  wrongToken: string;
  /** The 500 answer when `token` is undefined. */
  unconfigured?: { code: string; message: string };
}

/** The check itself, as a value: undefined when the request may pass, else the answer to give. */
export async function authProblem(auth: ApiAuth, authorization: string | undefined, version: string | undefined): Promise<Response | undefined> {
  if (auth.token === undefined) {
    const u = auth.unconfigured ?? { code: "token-missing", message: "this server has no API token configured, so its API is closed" };
    return apiError(500, u.code, u.message);
  }
  const given = bearerToken(authorization);
  if (given === undefined)
    return apiError(401, "unauthorized", `Missing or malformed Authorization header: send \`Authorization: Bearer ${auth.tokenHint}\`.`, {
      "www-authenticate": `Bearer realm="${auth.realm}"`,
    });
  if (!(await tokensEqual(given, auth.token)))
    return apiError(401, "unauthorized", auth.wrongToken, { "www-authenticate": `Bearer realm="${auth.realm}", error="invalid_token"` });
  const problem = versionProblem(version);
  if (problem) return apiError(401, "unsupported-version", problem);
  return undefined;
}

export function requireAuth<E extends Env>(authOf: (c: Context<E>) => ApiAuth): MiddlewareHandler<E> {
  return async (c, next) => {
    const refused = await authProblem(authOf(c), c.req.header("authorization"), c.req.header(VERSION_HEADER));
    if (refused) return refused;
    await next();
  };
}

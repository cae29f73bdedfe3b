// Cloudflare Access at the worker: verifies the `Cf-Access-Jwt-Assertion` of a request as
// Cloudflare documents for origins behind Access: RS256 signature against the team's keys
// (https://<team>.cloudflareaccess.com/cdn-cgi/access/certs, cached per isolate), issuer = the
// team domain, audience = the application's AUD tag, expiry and not-before. `alg: none`, other
// algorithms and keys not in the team's set are refused. Service tokens produce the same
// assertion (with common_name instead of email), so deployed services call through alike.
import { createRemoteJWKSet, jwtVerify } from "jose";
import { ACCESS_ALGORITHMS, ACCESS_JWT_HEADER, accessSettingsOf, type AccessSettings, type AccessSettingsResult } from "../core/access.js";
import type { Env } from "./env.js";

export type AccessCheck = { ok: true } | { ok: false; status: 403 | 503; reason: string };

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const keySets = new Map<string, KeySet>();

/** One remote key set per certs URL and isolate: jose caches the keys and refetches on an unknown `kid` (at most every 30 s). */
function keySet(certsUrl: string): KeySet {
  let set = keySets.get(certsUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(certsUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
    keySets.set(certsUrl, set);
  }
  return set;
}

let lastSettings: { key: string; result: AccessSettingsResult } | undefined;

/** The worker's Access settings; worked out once per distinct set of vars (they are the same for every request of a deployment). */
export function accessSettingsFromEnv(env: Env): AccessSettingsResult {
  const key = `${env.ACCESS_TEAM_DOMAIN ?? ""}\n${env.ACCESS_AUD ?? ""}\n${env.ACCESS_CERTS_URL ?? ""}`;
  if (lastSettings?.key !== key) lastSettings = { key, result: accessSettingsOf(env.ACCESS_TEAM_DOMAIN, env.ACCESS_AUD, env.ACCESS_CERTS_URL) };
  return lastSettings.result;
}

/** What a failed verification means to the person (never the token itself). */
const REFUSALS: Record<string, string> = {
  ERR_JWT_EXPIRED: "the Access token has expired",
  ERR_JWT_CLAIM_VALIDATION_FAILED: "the Access token is for another application or team",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "the Access token's signature is not valid",
  ERR_JWKS_NO_MATCHING_KEY: "the Access token is not signed by your team's keys",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "the Access token is not signed by your team's keys",
  ERR_JOSE_ALG_NOT_ALLOWED: "the Access token uses an algorithm Access never uses",
  ERR_JOSE_NOT_SUPPORTED: "the Access token uses an algorithm Access never uses",
  ERR_JWS_INVALID: "the Access token is malformed",
  ERR_JWT_INVALID: "the Access token is malformed",
};

export async function verifyAccess(request: Request, settings: AccessSettings): Promise<AccessCheck> {
  const token = request.headers.get(ACCESS_JWT_HEADER)?.trim();
  if (!token) return { ok: false, status: 403, reason: "the request carries no Access token" };
  try {
    await jwtVerify(token, keySet(settings.certsUrl), {
      algorithms: [...ACCESS_ALGORITHMS],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ["exp", "aud", "iss"],
    });
    return { ok: true };
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    const reason = typeof code === "string" ? REFUSALS[code] : undefined;
    if (reason) return { ok: false, status: 403, reason };
    // The team's keys could not be fetched (network, bad JWKS): not the client's fault, and no reason to let it in.
    if (code === undefined || code === "ERR_JWKS_TIMEOUT" || code === "ERR_JWKS_INVALID" || code === "ERR_JOSE_GENERIC")
      return { ok: false, status: 503, reason: "the worker could not fetch your team's Access keys; try again shortly" };
    return { ok: false, status: 403, reason: "the Access token is not valid" };
  }
}

export function accessRefusal(check: Exclude<AccessCheck, { ok: true }>): Response {
  const text =
    check.status === 503
      ? `Linkup could not check Cloudflare Access: ${check.reason}. - Linkup worker\n`
      : `This Linkup site is only for your team: ${check.reason}. Open it through your team's Cloudflare Access login, ` +
        `or call it with an Access service token (CF-Access-Client-Id and CF-Access-Client-Secret headers). - Linkup worker\n`;
  return new Response(text, {
    status: check.status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...(check.status === 503 ? { "retry-after": "10" } : {}) },
  });
}

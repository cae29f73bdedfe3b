// How a browser gets into the dashboard without the admin token ever appearing in a URL that
// lingers (docs/inspector.md, "Security"):
//
// 1. `linkup dashboard` (holding the admin token) asks POST /linkup/v1/dashboard/code for a
//    one-time code: 32 random bytes, valid for CODE_TTL_MS, usable once.
// 2. It opens http://127.0.0.1:<admin port>/dashboard/login?code=...; the login answer sets an
//    HttpOnly, SameSite=Strict cookie scoped to Path=/dashboard and redirects to /dashboard. The
//    code is spent, so the address left in the browser's history opens nothing.
// 3. Every /dashboard request carries the cookie; the login behind it lives in this process's
//    memory only (a restart logs every browser out) and expires after LOGIN_TTL_MS.
//
// Codes and cookies are kept as SHA-256 digests: the lookup key is not the secret itself.
import { createHash, randomBytes } from "node:crypto";
import type { DashboardContext } from "../../../core/local-api.js";

export const CODE_TTL_MS = 60_000;
export const LOGIN_TTL_MS = 12 * 60 * 60_000;
/** Logins kept at once; the oldest goes first (each `linkup dashboard` run makes one). */
const MAX_LOGINS = 32;
const MAX_CODES = 32;

export interface DashboardLogin {
  context: DashboardContext;
  expires: number;
}

export interface DashboardAuth {
  /** A new one-time code for `context`. */
  issueCode(context: DashboardContext): string;
  /** Spends a code: the cookie value of a new login, or undefined for an unknown, used or expired code. */
  redeem(code: string): string | undefined;
  /** The login a cookie value belongs to, if it is current. */
  login(cookie: string | undefined): DashboardLogin | undefined;
  logout(cookie: string | undefined): void;
}

function digest(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

/** Oldest entries first out once a map is over its size. */
function trim<V>(map: Map<string, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value!);
}

export function createDashboardAuth(now: () => number = Date.now): DashboardAuth {
  const codes = new Map<string, { context: DashboardContext; expires: number }>();
  const logins = new Map<string, DashboardLogin>();
  return {
    issueCode(context) {
      const code = randomBytes(32).toString("base64url");
      codes.set(digest(code), { context, expires: now() + CODE_TTL_MS });
      trim(codes, MAX_CODES);
      return code;
    },
    redeem(code) {
      if (code.length > 100) return undefined;
      const key = digest(code);
      const entry = codes.get(key);
      codes.delete(key);
      if (!entry || entry.expires < now()) return undefined;
      const cookie = randomBytes(32).toString("base64url");
      logins.set(digest(cookie), { context: entry.context, expires: now() + LOGIN_TTL_MS });
      trim(logins, MAX_LOGINS);
      return cookie;
    },
    login(cookie) {
      if (!cookie || cookie.length > 100) return undefined;
      const key = digest(cookie);
      const login = logins.get(key);
      if (!login) return undefined;
      if (login.expires < now()) {
        logins.delete(key);
        return undefined;
      }
      return login;
    },
    logout(cookie) {
      if (cookie) logins.delete(digest(cookie));
    },
  };
}

/** The cookie's name: per admin port, because browsers do not keep cookies apart by port. */
export function cookieName(port: number): string {
  return `linkup_dashboard_${port}`;
}

// `GET /linkup/check`: the unauthenticated liveness answer every Linkup listener gives (the
// worker on every host, the local proxy on every host, the local admin API). It says "this is
// Linkup", which part, its version and which state directory it belongs to, so a monitor or a
// tunnel health check has a path that needs no token, and a starting server that finds its port
// taken can say whether the holder is another Linkup and which one. Nothing in it is secret: the
// state id is a hash of the state directory's path, so it names a directory without revealing it.
// Only the admin listener (loopback only, Host and Origin checked) adds the path itself.
//
// Mentimeter's Linkup answers `/linkup/check` on every host too, so the path is reserved: a
// session cannot route a request for exactly `/linkup/check` (any other path, `/linkup/checkout`
// or `/linkup/check/x` included, is proxied as usual).
import { API_VERSION, LINKUP_VERSION } from "./api.js";

export const CHECK_PATH = "/linkup/check";

export type LinkupRole = "worker" | "local-proxy" | "local-admin";

export interface LinkupCheck {
  linkup: true;
  role: LinkupRole;
  version: string;
  api_version: string;
  /** Hash of the state directory's path; null for a deployed worker, which has none. */
  state_id: string | null;
  /** The admin port of the local server this listener belongs to (local listeners, embedded worker). */
  admin_port?: number;
  /** The state directory's path: only on the loopback admin listener. */
  state_dir?: string;
}

export function checkBody(role: LinkupRole, identity: { stateId: string | null; adminPort?: number; stateDir?: string }): LinkupCheck {
  return {
    linkup: true,
    role,
    version: LINKUP_VERSION,
    api_version: API_VERSION,
    state_id: identity.stateId,
    ...(identity.adminPort !== undefined ? { admin_port: identity.adminPort } : {}),
    ...(identity.stateDir !== undefined ? { state_dir: identity.stateDir } : {}),
  };
}

/** Whether a request target (path plus optional query) is the check path. */
export function isCheckPath(target: string): boolean {
  return target.startsWith(CHECK_PATH) && (target.length === CHECK_PATH.length || target[CHECK_PATH.length] === "?");
}

/** A parsed check answer, or undefined when the body is not one. */
export function parseCheck(value: unknown): LinkupCheck | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.linkup !== true || typeof v.role !== "string" || typeof v.version !== "string") return undefined;
  return {
    linkup: true,
    role: v.role as LinkupRole,
    version: v.version,
    api_version: typeof v.api_version === "string" ? v.api_version : "",
    state_id: typeof v.state_id === "string" ? v.state_id : null,
    ...(typeof v.admin_port === "number" ? { admin_port: v.admin_port } : {}),
    ...(typeof v.state_dir === "string" ? { state_dir: v.state_dir } : {}),
  };
}

// The session API shared by the worker (`<worker_url>/linkup/v1/...`) and the local server's
// admin API (`http://127.0.0.1:8791/linkup/v1/...`): paths, headers, limits, version rules.
import type { SessionRecord } from "./session.js";

export const API_PREFIX = "/linkup/v1";
export const VERSION_HEADER = "x-linkup-version";
/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The API version this build speaks; clients and servers must share the major version. */
export const API_VERSION = "1.0.0";

export interface SessionList {
  sessions: SessionRecord[];
}

export interface TunnelStart {
  tunnel_url: string;
  hostname: string;
  run_token: string | null;
  /**
   * The key the worker signs requests into this tunnel with (core/tunnel-signature.ts). The CLI
   * stores it (0600) for the local server's tunnel listener; never printed or logged.
   */
  tunnel_secret: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Parses `"3"`, `W/"3"` or `3` into 3; `*` into "any"; anything else into undefined. */
export function parseIfMatch(value: string | undefined): number | "any" | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "*") return "any";
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Why a client version is refused, or undefined when it is compatible. */
export function versionProblem(clientVersion: string | undefined, serverVersion = API_VERSION): string | undefined {
  if (!clientVersion) return `missing ${VERSION_HEADER} header: upgrade your Linkup CLI (this server speaks API ${serverVersion}).`;
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/.exec(clientVersion.trim());
  if (!m) return `invalid ${VERSION_HEADER} header "${clientVersion.slice(0, 40)}": upgrade your Linkup CLI.`;
  const serverMajor = Number(serverVersion.split(".")[0]);
  if (Number(m[1]) !== serverMajor)
    return `Linkup CLI API ${clientVersion} is not compatible with this server (API ${serverVersion}): upgrade your Linkup CLI${Number(m[1]) > serverMajor ? " and redeploy the worker" : ""}.`;
  return undefined;
}

// The session API shared by the worker (`<worker_url>/linkup/v1/...`) and the local server's
// admin API (`http://127.0.0.1:8791/linkup/v1/...`): paths, headers, limits, version rules.
import type { SessionRecord } from "./session.js";

export const API_PREFIX = "/linkup/v1";
export const VERSION_HEADER = "x-linkup-version";
/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * The API version this build speaks; clients and servers must share the major version. Minor
 * versions add features a client may ask for only after reading the server's version from /check
 * (1.1: `?dry_run=1` on PUT and DELETE).
 */
export const API_VERSION = "1.1.0";

/** The Linkup release this build is (package.json's version; a test keeps the two equal). */
export const LINKUP_VERSION = "0.1.0";

/** What GET /linkup/v1/check answers, on both hosts. */
export interface CheckAnswer {
  ok: boolean;
  /** API_VERSION of the server. */
  version: string;
  /** LINKUP_VERSION of the server's build (absent on servers older than API 1.1). */
  linkup_version?: string;
}

export function checkAnswer(): CheckAnswer {
  return { ok: true, version: API_VERSION, linkup_version: LINKUP_VERSION };
}

/**
 * Server-side dry run (`linkup apply --dry-run=server`): `?dry_run=1` on a PUT or DELETE asks the
 * host to validate the write and run the version rules, store nothing, and answer what it would
 * have answered, with DRY_RUN_HEADER set so the client can tell it was honoured.
 */
export const DRY_RUN_PARAM = "dry_run";
export const DRY_RUN_HEADER = "x-linkup-dry-run";

/** True when the request URL (absolute, or a path with a query) asks for a dry run. */
export function isDryRunRequest(url: string): boolean {
  const q = url.indexOf("?");
  if (q === -1) return false;
  const v = new URLSearchParams(url.slice(q + 1)).get(DRY_RUN_PARAM);
  return v === "1" || v === "true";
}

/** Whether a server of this API version honours DRY_RUN_PARAM (older servers would write for real). */
export function supportsDryRun(serverVersion: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)\./.exec(serverVersion ?? "");
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major === Number(API_VERSION.split(".")[0]) && minor >= 1;
}

export interface SessionList {
  sessions: SessionRecord[];
}

export interface TunnelStart {
  tunnel_url: string;
  hostname: string;
  run_token: string | null;
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

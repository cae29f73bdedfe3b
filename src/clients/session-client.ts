// SessionApi over HTTP, shared by the worker and admin factories: both servers speak the same
// `/linkup/v1` API (docs/architecture.md), so only the base URL, token and label differ.
// With `dryRun`, writes carry `?dry_run=1` (the server validates and stores nothing); the client
// first makes sure the server understands it, because an older one would write for real.
import { DRY_RUN_HEADER, DRY_RUN_PARAM, etagOf, supportsDryRun, type CheckAnswer, type SessionList, type TunnelStart } from "../core/api.js";
import { LinkupError } from "../core/errors.js";
import type { PutSessionBody, SessionRecord } from "../core/session.js";
import { apiFetch, type ApiFetchOptions, type ApiResponse } from "./api-fetch.js";
import type { Placement, SessionApi } from "./session-api.js";

export interface SessionClientMode {
  /** Send writes as server-side dry runs: validated, versioned, not stored. No tunnel is started. */
  dryRun?: boolean;
}

export function httpSessionApi(placement: Placement, options: ApiFetchOptions, withTunnel: boolean, mode: SessionClientMode = {}): SessionApi {
  const call = apiFetch(options);
  let writes = 0;
  const path = (name: string) => `/sessions/${encodeURIComponent(name)}`;
  const writePath = (name: string) => (mode.dryRun ? `${path(name)}?${DRY_RUN_PARAM}=1` : path(name));
  let dryRunChecked: Promise<void> | undefined;
  /** Before the first dry-run write: a server that would ignore the flag must not be sent one. */
  const ensureDryRunSupported = () =>
    (dryRunChecked ??= (async () => {
      const r = await call<CheckAnswer>("GET", "/check");
      if (!supportsDryRun(r.body?.version))
        throw new LinkupError(
          "dry-run-unsupported",
          `the ${options.label} at ${options.baseUrl} speaks API ${r.body?.version ?? "unknown"}, which has no server-side dry run (nothing was sent)`,
          { hint: placement === "worker" ? "redeploy the worker (`linkup infra deploy`), or use --dry-run=client" : "restart the local server (`linkup stop`), or use --dry-run=client" },
        );
    })());
  /** A write answered without the dry-run header was stored: say so loudly rather than report a dry run. */
  const confirmDryRun = (r: ApiResponse<unknown>, method: string, name: string) => {
    if (mode.dryRun && r.status !== 404 && r.headers.get(DRY_RUN_HEADER) !== "1")
      throw new LinkupError("dry-run-ignored", `the ${options.label} did not honour the dry run of ${method} session ${name}: the write may have been stored`);
  };
  const api: SessionApi = {
    placement,
    baseUrl: options.baseUrl,
    ...(mode.dryRun ? { dryRun: true } : {}),
    writes: () => writes,
    async check(o = {}) {
      const r = await call<CheckAnswer>("GET", "/check", o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
      return r.body ?? { ok: false };
    },
    async list() {
      const r = await call<SessionList>("GET", "/sessions");
      return r.body?.sessions ?? [];
    },
    async get(name) {
      const r = await call<SessionRecord>("GET", path(name), { okStatuses: [404] });
      return r.status === 404 ? undefined : r.body;
    },
    async put(name, body: PutSessionBody, pre = {}) {
      const headers: Record<string, string> = {};
      if (pre.ifMatch !== undefined) headers["if-match"] = etagOf(pre.ifMatch);
      if (pre.ifNoneMatch) headers["if-none-match"] = "*";
      if (mode.dryRun) await ensureDryRunSupported();
      writes++;
      const r = await call<SessionRecord>("PUT", writePath(name), { body, headers });
      confirmDryRun(r, "PUT", name);
      return { record: r.body as SessionRecord, created: r.status === 201 };
    },
    async delete(name, pre = {}) {
      const headers: Record<string, string> = {};
      if (pre.ifMatch !== undefined) headers["if-match"] = etagOf(pre.ifMatch);
      if (mode.dryRun) await ensureDryRunSupported();
      writes++;
      const r = await call<unknown>("DELETE", writePath(name), { headers, okStatuses: [404] });
      confirmDryRun(r, "DELETE", name);
      return r.status !== 404;
    },
  };
  // A dry run provisions no tunnel: the applier then leaves tunnel URLs as they are.
  if (withTunnel && !mode.dryRun)
    api.startTunnel = async (name) => {
      writes++;
      const r = await call<TunnelStart>("POST", `${path(name)}/tunnel`);
      return r.body as TunnelStart;
    };
  return api;
}

// SessionApi over HTTP, shared by the worker and admin factories: both servers speak the same
// `/linkup/v1` API (docs/architecture.md), so only the base URL, token and label differ.
import { etagOf, type SessionList, type TunnelStart } from "../core/api.js";
import type { PutSessionBody, SessionRecord } from "../core/session.js";
import { apiFetch, type ApiFetchOptions } from "./api-fetch.js";
import type { Placement, SessionApi } from "./session-api.js";

export function httpSessionApi(placement: Placement, options: ApiFetchOptions, withTunnel: boolean): SessionApi {
  const call = apiFetch(options);
  let writes = 0;
  const path = (name: string) => `/sessions/${encodeURIComponent(name)}`;
  const api: SessionApi = {
    placement,
    baseUrl: options.baseUrl,
    writes: () => writes,
    async check(o = {}) {
      const r = await call<{ ok: boolean; version?: string }>("GET", "/check", o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
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
      writes++;
      const r = await call<SessionRecord>("PUT", path(name), { body, headers });
      return { record: r.body as SessionRecord, created: r.status === 201 };
    },
    async delete(name, pre = {}) {
      const headers: Record<string, string> = {};
      if (pre.ifMatch !== undefined) headers["if-match"] = etagOf(pre.ifMatch);
      writes++;
      const r = await call<unknown>("DELETE", path(name), { headers, okStatuses: [404] });
      return r.status !== 404;
    },
  };
  if (withTunnel)
    api.startTunnel = async (name) => {
      writes++;
      const r = await call<TunnelStart>("POST", `${path(name)}/tunnel`);
      return r.body as TunnelStart;
    };
  return api;
}

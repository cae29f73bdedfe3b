// Actual state: what the worker and the local server hold, read in parallel and normalised for
// diffing. Server-only fields (timestamps, spec_hash, tunnel_url) are dropped from what is
// compared; the version is kept aside only for If-Match.
import type { SessionRecord, SessionSpec } from "../core/session.js";
import type { Placement, SessionApi } from "../clients/session-api.js";
import { CredentialsError } from "../core/errors.js";

export interface ActualSession {
  name: string;
  placement: Placement;
  spec: SessionSpec;
  managed_by: string | null;
  /** The person a personal session belongs to; null for shared ones (and records from before owners). */
  owner: string | null;
  /** For If-Match only; never compared. */
  version: number;
  /** Worker side: where `local` services are reached; null until a tunnel is started. */
  tunnel_url: string | null;
  /** When the session expires (ISO) or null; never compared, used to renew (apply) and list. */
  expires_at?: string | null;
}

export interface ActualState {
  sessions: ActualSession[];
  /** Sides that could not be read (e.g. the local server is not running), with the reason. */
  unavailable: { placement: Placement; reason: string }[];
}

/** Keep only what a config can declare. */
export function normaliseRecord(record: SessionRecord, placement: Placement): ActualSession {
  const s = record.spec;
  return {
    name: record.name,
    placement,
    spec: {
      type: s.type,
      services: [...s.services]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((svc) => ({
          name: svc.name,
          route: svc.route,
          ...(svc.local !== undefined ? { local: svc.local } : {}),
          ...(svc.remote !== undefined ? { remote: svc.remote } : {}),
          rewrites: (svc.rewrites ?? []).map((r) => ({ source: r.source, target: r.target })),
          ...(svc.timeouts ? { timeouts: { ...svc.timeouts } } : {}),
        })),
      domains: s.domains.map((d) => ({
        domain: d.domain,
        default_service: d.default_service,
        routes: (d.routes ?? []).map((r) => ({ path: r.path, service: r.service })),
      })),
      cache_routes: [...(s.cache_routes ?? [])],
      ...(typeof s.ttl === "string" ? { ttl: s.ttl } : {}),
    },
    managed_by: record.managed_by ?? null,
    owner: record.owner ?? null,
    version: record.version,
    tunnel_url: record.tunnel_url ?? null,
    expires_at: record.expires_at ?? null,
  };
}

/**
 * Reads every client in parallel. With `tolerate`, a side that cannot be reached counts as empty
 * and is listed in `unavailable` (diff before the first `start`); otherwise its error propagates.
 */
export async function readActual(clients: SessionApi[], tolerate: Placement[] = []): Promise<ActualState> {
  const results = await Promise.allSettled(clients.map((c) => c.list()));
  const state: ActualState = { sessions: [], unavailable: [] };
  results.forEach((r, i) => {
    const client = clients[i]!;
    if (r.status === "fulfilled") state.sessions.push(...r.value.map((rec) => normaliseRecord(rec, client.placement)));
    // A missing credential is never "the server is down": the user must fix it.
    else if (tolerate.includes(client.placement) && !(r.reason instanceof CredentialsError))
      state.unavailable.push({ placement: client.placement, reason: (r.reason as Error)?.message ?? String(r.reason) });
    else throw r.reason;
  });
  return state;
}

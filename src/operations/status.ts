// `linkup status [--session S]`: every running session (or the one named) with where each of its
// services goes (local, remote, or a URL override) and whether it answers (its `health` path and
// statuses from the config); then Linkup's own parts: the local server, the worker, each session's
// tunnel, and the cloudflared the local server runs. Probes run in parallel, each with a timeout.
import { CHECK_PATH } from "../core/check.js";
import { LinkupError } from "../core/errors.js";
import { readActual, type ActualSession } from "../reconcile/actual.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { rememberedPersonalName } from "../machine/personal-session.js";
import { probeAll, type ProbeResult, type ProbeTarget } from "./probe.js";
import { readListeners } from "./listeners.js";
import { addressesJson, sessionAddresses } from "./session-urls.js";
import { readTunnelStatus } from "./tunnel-connect.js";
import type { TunnelConnectorStatus } from "../core/local-api.js";

export interface ServiceStatus extends ProbeResult {
  name: string;
  /** Where the session sends this service: local, remote, or url (a per-session URL override). */
  location: "local" | "remote" | "url";
  route: string;
  url: string | null;
}

export interface ComponentStatus extends ProbeResult {
  name: "local_server" | "worker" | "tunnel";
  /** For a tunnel: the session it belongs to. */
  session?: string;
  url: string;
}

export interface SessionState {
  name: string;
  type: string;
  placements: Placement[];
  /** Addresses that open as printed on this machine (session-urls.ts); `curl` for domains no URL reaches from here. */
  urls: string[];
  curl: string[];
  tunnel_url: string | null;
  managed_by: string | null;
  /** This developer's personal session for this config. */
  personal: boolean;
  /** Whose personal session this is (null: shared). */
  owner: string | null;
  /** Its owner is you (this state directory's id, or --owner / LINKUP_OWNER). */
  mine: boolean;
  services: ServiceStatus[];
}

export interface StatusReport {
  sessions: SessionState[];
  components: ComponentStatus[];
  /** The cloudflared the local server runs (one per machine); null when the local server does not answer. */
  cloudflared: TunnelConnectorStatus | null;
  /** Sides that could not be read: their sessions are missing from the list. */
  unavailable: Placement[];
}

const TYPE_ORDER = ["tunneled", "isolated", "preview"];

/** The services of one live session, with where each goes. */
function servicesOf(copy: ActualSession): Omit<ServiceStatus, keyof ProbeResult>[] {
  return copy.spec.services.map((s) => {
    const location: ServiceStatus["location"] = s.route === "local" || s.route === "remote" ? s.route : "url";
    const url = s.route === "local" ? (s.local ?? null) : s.route === "remote" ? (s.remote ?? null) : s.route;
    return { name: s.name, location, route: s.route, url };
  });
}

export async function statusReport(ctx: ReconcileContext, session: string | undefined, timeoutMs = 2_000): Promise<StatusReport> {
  const [live, listeners] = await Promise.all([readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]), readListeners(ctx, timeoutMs)]);
  const names = [...new Set(live.sessions.map((s) => s.name))];
  if (session !== undefined && !names.includes(session))
    throw new LinkupError("session-not-found", `session ${session} not found`, {
      hint: live.unavailable.length ? `could not reach: ${live.unavailable.map((u) => u.placement).join(", ")}; is linkup started?` : "see `linkup sessions list`",
    });
  const personal = rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  const health = new Map(ctx.loaded.config.services.map((s) => [s.name, s.health]));

  const sessions = (session !== undefined ? [session] : names).map((name) => {
    const copies = live.sessions.filter((s) => s.name === name);
    // The local copy is what this machine routes with; a worker-only session has only the other.
    const first = copies.find((c) => c.placement === "local") ?? copies[0]!;
    return {
      name,
      type: first.spec.type,
      placements: copies.map((c) => c.placement).sort(),
      ...addressesJson(sessionAddresses(name, first.spec.type, first.spec.domains, listeners)),
      tunnel_url: copies.find((c) => c.placement === "worker")?.tunnel_url ?? null,
      managed_by: first.managed_by,
      owner: first.owner,
      mine: first.owner !== null && first.owner === ctx.owner.id,
      personal: name === personal,
      services: servicesOf(first),
    };
  });
  sessions.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const serviceTargets: ProbeTarget[] = sessions.flatMap((s) =>
    s.services.map((svc) => {
      const h = health.get(svc.name);
      return {
        url: svc.url ? new URL(h?.path ?? "/", svc.url).toString() : "about:blank",
        ...(h?.statuses.length ? { statuses: h.statuses } : {}),
        // The session travels with the probe, as it would with real traffic.
        headers: { tracestate: `linkup-session=${s.name}` },
      };
    }),
  );
  // Linkup's own parts answer GET /linkup/check without a token (core/check.ts): the local server
  // and each tunnel (which reaches the local proxy) must say 200; a worker from an older build may
  // proxy the path instead, so any answer below 500 counts for it.
  const components: { name: ComponentStatus["name"]; url: string; session?: string; statuses?: number[] }[] = [
    { name: "local_server", url: `${ctx.urls.admin}${CHECK_PATH}`, statuses: [200] },
    { name: "worker", url: `${ctx.urls.worker}${CHECK_PATH}` },
    ...sessions
      .filter((s) => s.tunnel_url)
      .map((s) => ({ name: "tunnel" as const, url: `${s.tunnel_url!.replace(/\/+$/, "")}${CHECK_PATH}`, session: s.name, statuses: [200] })),
  ];
  const [results, cloudflared] = await Promise.all([
    probeAll([...serviceTargets, ...components.map((c) => ({ url: c.url, ...(c.statuses ? { statuses: c.statuses } : {}) }))], timeoutMs),
    readTunnelStatus(ctx.clients.local, timeoutMs),
  ]);
  let i = 0;
  const withProbes = sessions.map((s) => ({
    ...s,
    services: s.services.map((svc) => {
      const r = results[i++]!;
      return { ...svc, ...(svc.url ? r : { status: "error" as const, http_status: null, error: "no URL" }) };
    }),
  }));
  return {
    sessions: withProbes,
    components: components.map(({ statuses: _statuses, ...c }) => ({ ...c, ...results[i++]! })),
    cloudflared,
    unavailable: live.unavailable.map((u) => u.placement),
  };
}

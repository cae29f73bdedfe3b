// `linkup status [--session S]`: which services of a session are local or remote, and whether
// each answers (its `health` path and statuses from the config), plus the local server, the
// worker and the tunnel, and the state of the cloudflared the local server runs. All probes run in
// parallel with a timeout.
import { LinkupError } from "../core/errors.js";
import { readActual } from "../reconcile/actual.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { probeAll, type ProbeResult, type ProbeTarget } from "./probe.js";
import { targetSession } from "./route.js";
import { sessionUrls } from "./session-urls.js";
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
  url: string;
}

export interface SessionStatus {
  session: {
    name: string;
    type: string;
    placements: Placement[];
    urls: string[];
    tunnel_url: string | null;
    managed_by: string | null;
    /** Whose personal session this is (null: shared). */
    owner: string | null;
  };
  services: ServiceStatus[];
  components: ComponentStatus[];
  /** The cloudflared the local server runs (one per machine); null when the local server does not answer. */
  cloudflared: TunnelConnectorStatus | null;
}

export async function sessionStatus(ctx: ReconcileContext, session: string | undefined, timeoutMs = 2_000): Promise<SessionStatus> {
  const name = targetSession(ctx, session);
  const live = await readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]);
  const copies = live.sessions.filter((s) => s.name === name);
  const first = copies.find((c) => c.placement === "local") ?? copies[0];
  if (!first)
    throw new LinkupError("session-not-found", `session ${name} not found`, {
      hint: live.unavailable.length ? `could not reach: ${live.unavailable.map((u) => u.placement).join(", ")}; is linkup started?` : "run `linkup start` or `linkup apply`",
    });
  const tunnelUrl = copies.find((c) => c.placement === "worker")?.tunnel_url ?? null;
  const health = new Map(ctx.loaded.config.services.map((s) => [s.name, s.health]));

  const services = first.spec.services.map((s) => {
    const location: ServiceStatus["location"] = s.route === "local" || s.route === "remote" ? s.route : "url";
    const url = s.route === "local" ? (s.local ?? null) : s.route === "remote" ? (s.remote ?? null) : s.route;
    return { name: s.name, location, route: s.route, url };
  });
  const serviceTargets: ProbeTarget[] = services.map((s) => {
    const h = health.get(s.name);
    return {
      url: s.url ? new URL(h?.path ?? "/", s.url).toString() : "about:blank",
      ...(h?.statuses.length ? { statuses: h.statuses } : {}),
      // The session travels with the probe, as it would with real traffic.
      headers: { tracestate: `linkup-session=${name}` },
    };
  });
  const components: { name: ComponentStatus["name"]; url: string }[] = [
    { name: "local_server", url: `${ctx.clients.local.baseUrl}/check` },
    { name: "worker", url: `${ctx.clients.worker.baseUrl}/check` },
  ];
  if (tunnelUrl) components.push({ name: "tunnel", url: tunnelUrl });
  const [results, cloudflared] = await Promise.all([
    probeAll([...serviceTargets, ...components.map((c) => ({ url: c.url }))], timeoutMs),
    readTunnelStatus(ctx.clients.local, timeoutMs),
  ]);
  return {
    session: {
      name,
      type: first.spec.type,
      placements: copies.map((c) => c.placement).sort(),
      urls: sessionUrls(name, first.spec.domains),
      tunnel_url: tunnelUrl,
      managed_by: first.managed_by,
      owner: first.owner,
    },
    services: services.map((s, i) => ({ ...s, ...(s.url ? results[i]! : { status: "error" as const, http_status: null, error: "no URL" }) })),
    components: components.map((c, i) => ({ ...c, ...results[services.length + i]! })),
    cloudflared,
  };
}

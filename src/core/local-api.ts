// Wire types of the local server's own endpoints beside the session API (docs/architecture.md,
// "Session API"): GET /linkup/v1/status and PUT|GET|DELETE /linkup/v1/tunnel (the cloudflared the
// daemon supervises). The daemon answers with them and the CLI's clients read them, so both sides
// import them from here and the CLI side never imports daemon code.
import type { SessionType } from "./config.js";
import type { RequestRecord } from "./request-record.js";
import type { SessionRecord } from "./session.js";
import { isDnsLabel } from "./session-name.js";
import { isHttpUrl } from "./url.js";

/** "restarting": cloudflared exited and a restart is scheduled; "stopped": not started, stopped, or a restart failed. */
export type CloudflaredState = "starting" | "connected" | "restarting" | "stopped";

/** GET/PUT /linkup/v1/tunnel: the cloudflared the local server runs (at most one per machine). */
export interface TunnelConnectorStatus {
  state: CloudflaredState;
  /** The session whose tunnel is connected (informational; the token decides). */
  session: string | null;
  hostname: string | null;
  pid: number | null;
  restarts: number;
  last_error: string | null;
  /** cloudflared's log, so messages can point at it. */
  log_file: string;
}

/** The body of PUT /linkup/v1/tunnel. */
export interface TunnelConnectRequest {
  /** The tunnel's run token from the worker (never logged, never returned). */
  run_token: string;
  /** The tunnel's DNS name, lowercase: linkup-tunnel-<session>.<tunnel zone>. */
  hostname: string;
  session?: string;
}

/** GET /linkup/v1/status. */
export interface LocalStatus {
  pid: number;
  version: string;
  ports: { proxy: number; admin: number; https: number | null; dns: number | null };
  sessions: number;
  started_at: string;
  tunnel: TunnelConnectorStatus;
}

/** Run tokens are JWT-like strings of a few hundred bytes; anything longer is not one. */
const MAX_RUN_TOKEN_LENGTH = 8192;

/** A DNS name of labels (the tunnel hostname); cloudflared only needs it for our readiness check. */
function isHostname(name: string): boolean {
  const h = name.toLowerCase();
  return h.length <= 253 && h.includes(".") && h.split(".").every(isDnsLabel);
}

export type TunnelConnectParse = { ok: true; request: TunnelConnectRequest } | { ok: false; code: "invalid-tunnel"; message: string };

/** Checks a PUT /linkup/v1/tunnel body; the hostname comes back lowercase. */
export function parseTunnelConnectBody(input: unknown): TunnelConnectParse {
  const body = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const { run_token, hostname, session } = body;
  const refuse = (message: string): TunnelConnectParse => ({ ok: false, code: "invalid-tunnel", message });
  if (typeof run_token !== "string" || run_token.length === 0 || run_token.length > MAX_RUN_TOKEN_LENGTH)
    return refuse("run_token must be a non-empty string (the tunnel's run token from the worker)");
  if (typeof hostname !== "string" || !isHostname(hostname))
    return refuse("hostname must be the tunnel's DNS name, e.g. linkup-tunnel-<session>.<tunnel zone>");
  if (session !== undefined && (typeof session !== "string" || !isDnsLabel(session)))
    return refuse("session must be a session name (a DNS label)");
  return { ok: true, request: { run_token, hostname: hostname.toLowerCase(), ...(session !== undefined ? { session } : {}) } };
}

/** GET /linkup/v1/requests: the local server's request log (docs/inspector.md). */
export interface RequestList {
  requests: RequestRecord[];
  /** Id of the newest record in the log; pass it as `after` (or Last-Event-ID) to read only newer ones. */
  last_id: number;
}

/**
 * The body of POST /linkup/v1/dashboard/code: what the dashboard needs that only the CLI knows
 * (from linkup.yaml): the worker to read and write sessions on, the services' health checks, the
 * personal session. Kept in the local server's memory with the login it belongs to, never on disk.
 */
export interface DashboardContext {
  /** The worker's base URL and API token; null when the dashboard should show the local server only. */
  worker: { url: string; token: string | null; embedded: boolean } | null;
  /** Health check per service name: path and accepted statuses (empty: below 500). */
  health: Record<string, { path: string; statuses: number[] }>;
  /** The personal session's name, shown first. */
  personal: string | null;
  /** The config file the context came from (shown on the page). */
  config_file: string | null;
}

/** The answer of POST /linkup/v1/dashboard/code: a one-time login path on the admin listener. */
export interface DashboardCode {
  /** `/dashboard/login?code=...`: append to the admin URL and open it once, within `expires_in` seconds. */
  path: string;
  expires_in: number;
}

export type DashboardContextParse = { ok: true; context: DashboardContext } | { ok: false; code: "invalid-dashboard-context"; message: string };

/** Checks a POST /linkup/v1/dashboard/code body (an empty body is a context without worker or health). */
export function parseDashboardContext(input: unknown): DashboardContextParse {
  const refuse = (message: string): DashboardContextParse => ({ ok: false, code: "invalid-dashboard-context", message });
  if (input === undefined || input === null) return { ok: true, context: { worker: null, health: {}, personal: null, config_file: null } };
  if (typeof input !== "object" || Array.isArray(input)) return refuse("the body must be a JSON object");
  const body = input as Record<string, unknown>;
  let worker: DashboardContext["worker"] = null;
  if (body.worker !== undefined && body.worker !== null) {
    const w = body.worker as Record<string, unknown>;
    if (typeof w !== "object" || typeof w.url !== "string" || !isHttpUrl(w.url)) return refuse("worker.url must be the worker's http(s) URL");
    if (w.token !== undefined && w.token !== null && (typeof w.token !== "string" || w.token.length > 4096))
      return refuse("worker.token must be a string");
    worker = { url: w.url.replace(/\/+$/, ""), token: typeof w.token === "string" ? w.token : null, embedded: w.embedded === true };
  }
  const health: DashboardContext["health"] = {};
  if (body.health !== undefined) {
    if (typeof body.health !== "object" || body.health === null || Array.isArray(body.health)) return refuse("health must be an object of service names");
    for (const [name, h] of Object.entries(body.health as Record<string, unknown>)) {
      const check = h as Record<string, unknown>;
      if (typeof check !== "object" || check === null || typeof check.path !== "string" || !check.path.startsWith("/"))
        return refuse(`health.${name}.path must be a path starting with /`);
      const statuses = check.statuses ?? [];
      if (!Array.isArray(statuses) || !statuses.every((s) => Number.isInteger(s) && s >= 100 && s <= 599))
        return refuse(`health.${name}.statuses must be a list of HTTP statuses`);
      health[name] = { path: check.path, statuses: statuses as number[] };
    }
  }
  const personal = body.personal;
  if (personal !== undefined && personal !== null && (typeof personal !== "string" || !isDnsLabel(personal)))
    return refuse("personal must be a session name");
  const configFile = body.config_file;
  if (configFile !== undefined && configFile !== null && typeof configFile !== "string") return refuse("config_file must be a string");
  return {
    ok: true,
    context: { worker, health, personal: typeof personal === "string" ? personal : null, config_file: typeof configFile === "string" ? configFile : null },
  };
}

/** One probe of a service copy or a component, as the dashboard shows it. */
export interface HealthProbe {
  status: "ok" | "error" | "timeout";
  http_status: number | null;
  error: string | null;
}

/** A session as the dashboard shows it: one entry per name, with each side's copy. */
export interface DashboardSession {
  name: string;
  type: SessionType;
  /** Each side's record (its version is the If-Match of a write). */
  copies: { placement: "local" | "worker"; record: SessionRecord }[];
  managed_by: string | null;
  /** The person a personal session belongs to; null for shared sessions. */
  owner: string | null;
  /** When the session expires: shown once session records carry an expiry. */
  expires_at: string | null;
  /** Addresses the session answers on, as reachable from this machine. */
  urls: string[];
  services: {
    name: string;
    /** The route on each side that has the session (they differ only after a half-finished write). */
    routes: Partial<Record<"local" | "worker", string>>;
    local: string | null;
    remote: string | null;
    health: { local: HealthProbe | null; remote: HealthProbe | null };
  }[];
}

/** GET /dashboard/api/state. */
export interface DashboardState {
  generated_at: string;
  local_server: { pid: number; version: string; started_at: string; ports: LocalStatus["ports"]; sessions: number };
  worker: { url: string | null; embedded: boolean; reachable: boolean; error: string | null };
  tunnel: TunnelConnectorStatus;
  personal: string | null;
  config_file: string | null;
  sessions: DashboardSession[];
}

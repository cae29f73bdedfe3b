// Wire types of the local server's own endpoints beside the session API (docs/architecture.md,
// "Session API"): GET /linkup/v1/status and PUT|GET|DELETE /linkup/v1/tunnel (the cloudflared the
// daemon supervises). The daemon answers with them and the CLI's clients read them, so both sides
// import them from here and the CLI side never imports daemon code.
import { isDnsLabel } from "./session-name.js";

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

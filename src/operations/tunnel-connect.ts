// After apply/start: connect this machine to a tunneled session's Cloudflare tunnel. The local
// server runs cloudflared (PUT /linkup/v1/tunnel on its admin API) so it outlives the CLI; this
// module hands it the run token and waits until cloudflared has registered a connection and the
// tunnel hostname resolves, because only then does the worker reach local services.
//
// Only Cloudflare tunnels have a run token. The embedded default (and any `direct` worker) hands
// out none, and then nothing here runs. One cloudflared per machine: with several tunneled
// sessions the personal one wins, else the first; the others are reported as not connected.
import { setTimeout as sleep } from "node:timers/promises";
import { API_PREFIX, type ApiErrorBody, type TunnelStart } from "../core/api.js";
import { LinkupError } from "../core/errors.js";
import type { TunnelConnectorStatus } from "../daemon/cloudflared/tunnel-connector.js";
import type { ApplyOutcome } from "../reconcile/apply.js";
import { apiFetch } from "../clients/api-fetch.js";
import { adminBaseUrl, readAdminToken } from "../clients/admin-client.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { hostResolver } from "./resolve-hostname.js";
import { readRunToken, storeRunToken } from "../machine/run-tokens.js";
import { storeTunnelSecret } from "../machine/tunnel-secrets.js";
import { adminPort } from "../core/settings.js";

export const DEFAULT_TUNNEL_TIMEOUT_MS = 60_000;

export interface TunnelConnection extends TunnelConnectorStatus {
  session: string;
  hostname: string;
  /** Tunneled sessions left without a connector (one cloudflared per machine). */
  not_connected: string[];
}

export interface ConnectTunnelOptions {
  outcomes: ApplyOutcome[];
  /** The personal session, connected in preference to the others. */
  prefer?: string;
  /** Run tokens the worker handed out during this pass (already stored). */
  fresh: ReadonlyMap<string, string>;
  /** Ask the worker for the tunnel even when a token is stored (`start`: refreshes last_started). */
  refresh?: boolean;
  /** Called once before waiting, so the CLI can show a spinner. */
  onWait?: (text: string) => void | Promise<void>;
}

/** LINKUP_TUNNEL_TIMEOUT_MS, else 60 s. */
export function tunnelTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const n = Number(env.LINKUP_TUNNEL_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TUNNEL_TIMEOUT_MS;
}

/** A Cloudflare tunnel's URL is https on the tunnel zone; the direct provider's is the local server's plain-HTTP address. */
function cloudflareHostname(tunnelUrl: string | undefined): string | undefined {
  if (!tunnelUrl) return undefined;
  try {
    const u = new URL(tunnelUrl);
    return u.protocol === "https:" ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

function adminApi(stateDir: string, env: Readonly<Record<string, string | undefined>>, timeoutMs?: number) {
  return apiFetch({
    baseUrl: `${adminBaseUrl(adminPort(env))}${API_PREFIX}`,
    token: () => readAdminToken(stateDir),
    label: "local server",
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}

/** The local server's cloudflared, for `status` and `health`; null when the local server does not answer. */
export async function readTunnelStatus(stateDir: string, env: Readonly<Record<string, string | undefined>>, timeoutMs = 2_000): Promise<TunnelConnectorStatus | null> {
  try {
    return (await adminApi(stateDir, env, timeoutMs)<TunnelConnectorStatus>("GET", "/tunnel")).body ?? null;
  } catch {
    return null;
  }
}

/**
 * Keeps what the worker handed out with a tunnel: the signing secret (for the local server's
 * tunnel listener) and, for Cloudflare tunnels, cloudflared's run token. Both 0600, never printed.
 */
export async function keepTunnelStart(stateDir: string, session: string, started: TunnelStart): Promise<void> {
  if (!started.tunnel_secret)
    throw new LinkupError("worker-too-old", `the worker handed out the tunnel of session ${session} without a signing secret, so the local server would refuse its requests`, {
      hint: "redeploy the worker with this Linkup version (`linkup infra deploy`)",
    });
  await storeTunnelSecret(stateDir, session, started.tunnel_secret);
  if (started.run_token) await storeRunToken(stateDir, session, started.run_token);
}

async function runTokenFor(ctx: ReconcileContext, session: string, options: ConnectTunnelOptions): Promise<string | undefined> {
  const fresh = options.fresh.get(session);
  if (fresh) return fresh;
  const stored = options.refresh ? undefined : await readRunToken(ctx.stateDir, session);
  if (stored) return stored;
  // Idempotent on the worker: hands out the existing tunnel's token and refreshes last_started.
  const started = await ctx.clients.worker.startTunnel?.(session);
  if (!started) return undefined;
  await keepTunnelStart(ctx.stateDir, session, started);
  return started.run_token ?? undefined;
}

export async function connectTunnel(ctx: ReconcileContext, options: ConnectTunnelOptions): Promise<TunnelConnection | null> {
  if (ctx.embeddedWorker) return null;
  const candidates = options.outcomes
    .filter((o) => o.result !== "failed" && cloudflareHostname(o.tunnel_url) !== undefined)
    .sort((a, b) => Number(b.name === options.prefer) - Number(a.name === options.prefer));
  const chosen = candidates[0];
  if (!chosen) return null;
  const session = chosen.name;
  const hostname = cloudflareHostname(chosen.tunnel_url)!;
  const runToken = await runTokenFor(ctx, session, options);
  if (!runToken) return null;

  const call = adminApi(ctx.stateDir, ctx.env);
  const put = await call<TunnelConnectorStatus | ApiErrorBody>("PUT", "/tunnel", {
    body: { run_token: runToken, hostname, session },
    okStatuses: [422],
  });
  if (put.status === 422) {
    const err = (put.body as ApiErrorBody).error;
    // The daemon's message is already the one-line install instruction.
    throw new LinkupError(err.code, err.message);
  }

  await options.onWait?.(`waiting for cloudflared to connect ${hostname}`);
  const timeoutMs = tunnelTimeoutMs(ctx.env);
  const deadline = AbortSignal.timeout(timeoutMs);
  const resolves = hostResolver(ctx.env);
  let status = put.body as TunnelConnectorStatus;
  for (;;) {
    const mine = status.hostname === hostname;
    if (mine && status.state === "connected" && (await resolves(hostname)))
      return { ...status, session, hostname, not_connected: candidates.slice(1).map((c) => c.name) };
    if (deadline.aborted) throw notReady(status, mine, hostname, timeoutMs);
    await sleep(250);
    status = (await call<TunnelConnectorStatus>("GET", "/tunnel")).body!;
  }
}

/** Says which half of "connected and resolving" did not happen, and what to look at. */
function notReady(status: TunnelConnectorStatus, mine: boolean, hostname: string, timeoutMs: number): LinkupError {
  const seconds = Math.round(timeoutMs / 1000);
  if (mine && status.state === "connected")
    return new LinkupError(
      "tunnel-not-ready",
      `cloudflared is connected but ${hostname} did not resolve within ${seconds}s; check that its DNS record exists in the tunnel zone and that your resolver is not caching a negative answer (try \`dig ${hostname}\`)`,
    );
  const detail = [`state ${status.state}`, `${status.restarts} restarts`, ...(status.last_error ? [`last error: ${status.last_error}`] : [])].join(", ");
  return new LinkupError(
    "tunnel-not-ready",
    `cloudflared did not register a tunnel connection for ${hostname} within ${seconds}s (${detail}); check ${status.log_file}, that outbound port 7844 (UDP/TCP; or TCP 443) to Cloudflare is allowed, and that the tunnel still exists`,
    { hint: "cloudflared keeps retrying in the background; `linkup status` shows when it connects, `linkup stop` ends it" },
  );
}

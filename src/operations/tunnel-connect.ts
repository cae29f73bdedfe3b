// After apply/start: connect this machine to a tunneled session's Cloudflare tunnel. The local
// server runs cloudflared (PUT /linkup/v1/tunnel on its admin API) so it outlives the CLI; this
// module hands it the run token and waits until cloudflared has registered a connection and the
// tunnel hostname resolves, because only then does the worker reach local services.
//
// Only Cloudflare tunnels have a run token. The embedded default (and any `direct` worker) hands
// out none, and then nothing here runs. One cloudflared per machine: with several tunneled
// sessions the personal one wins, else the first; the others are reported as not connected.
import { setTimeout as sleep } from "node:timers/promises";
import { LinkupError } from "../core/errors.js";
import type { TunnelConnectorStatus } from "../core/local-api.js";
import type { LocalAdminApi } from "../clients/admin-client.js";
import type { ReconcileContext } from "../reconcile/context.js";
import type { WriteResult } from "../reconcile/reconcile.js";
import { hostResolver } from "./resolve-hostname.js";
import { readRunToken } from "../machine/run-tokens.js";
import { keepTunnelStart } from "../machine/tunnel-secrets.js";


export interface TunnelConnection extends TunnelConnectorStatus {
  session: string;
  hostname: string;
  /** Tunneled sessions left without a connector (one cloudflared per machine). */
  not_connected: string[];
}

export interface ConnectTunnelOptions {
  /** The personal session, connected in preference to the others. */
  prefer?: string | undefined;
  /** Ask the worker for the tunnel even when a token is stored (`start`: refreshes last_started). */
  refresh?: boolean;
  /** Called once before waiting, so the CLI can show a spinner. */
  onWait?: (text: string) => void | Promise<void>;
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

/** The local server's cloudflared, for `status` and `health`; null when the local server does not answer. */
export async function readTunnelStatus(local: LocalAdminApi, timeoutMs = 2_000): Promise<TunnelConnectorStatus | null> {
  try {
    return await local.tunnelStatus({ timeoutMs });
  } catch {
    return null;
  }
}

async function runTokenFor(ctx: ReconcileContext, session: string, written: WriteResult, options: ConnectTunnelOptions): Promise<string | undefined> {
  const fresh = written.runTokens.get(session);
  if (fresh) return fresh;
  const stored = options.refresh ? undefined : await readRunToken(ctx.stateDir, session);
  if (stored) return stored;
  // Idempotent on the worker: hands out the existing tunnel's token and refreshes last_started.
  const started = await ctx.clients.worker.startTunnel?.(session);
  if (!started) return undefined;
  await keepTunnelStart(ctx.stateDir, session, started);
  return started.run_token ?? undefined;
}

/** The tunnel step of `apply` and `start`: after a write, connect this machine to a tunneled session's Cloudflare tunnel. */
export async function connectTunnel(ctx: ReconcileContext, written: WriteResult, options: ConnectTunnelOptions = {}): Promise<TunnelConnection | null> {
  if (ctx.embeddedWorker) return null;
  const candidates = written.outcomes
    .filter((o) => o.result !== "failed" && cloudflareHostname(o.tunnel_url) !== undefined)
    .sort((a, b) => Number(b.name === options.prefer) - Number(a.name === options.prefer));
  const chosen = candidates[0];
  if (!chosen) return null;
  const session = chosen.name;
  const hostname = cloudflareHostname(chosen.tunnel_url)!;
  const runToken = await runTokenFor(ctx, session, written, options);
  if (!runToken) return null;

  const local = ctx.clients.local;
  // A machine without cloudflared throws "cloudflared-missing" here, with the install instruction.
  let status = await local.connectTunnel({ run_token: runToken, hostname, session });

  await options.onWait?.(`waiting for cloudflared to connect ${hostname}`);
  const timeoutMs = ctx.settings.tunnelTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const resolves = hostResolver(ctx.settings.testResolveHosts);
  for (;;) {
    const mine = status.hostname === hostname;
    if (mine && status.state === "connected" && (await resolves(hostname)))
      return { ...status, session, hostname, not_connected: candidates.slice(1).map((c) => c.name) };
    if (deadline.aborted) throw notReady(status, mine, hostname, timeoutMs);
    await sleep(250);
    status = await local.tunnelStatus();
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

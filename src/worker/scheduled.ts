// The cron handler: removes sessions past their expires_at (expired-sessions.ts, which leaves a
// marker so requests for them answer 410), then tunnels nobody started for 7 days (tunnel-store's
// cleanupTunnels, which also destroys the provider's tunnel and DNS record), then clears
// `tunnel_url` on the sessions that pointed at them, so their local services answer "no tunnel,
// run linkup start" instead of failing against a tunnel that no longer exists. The clock is an
// input (controller.scheduledTime), so tests can move it.
import { withTunnelUrl } from "../core/versioned-write.js";
import type { Env } from "./env.js";
import { expireSessions } from "./expired-sessions.js";
import type { SessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import { tunnelProviderFromEnv } from "./tunnels/from-env.js";
import { cleanupTunnels, type CleanupResult } from "./tunnels/tunnel-store.js";

export interface ScheduledSummary extends CleanupResult {
  /** Sessions whose tunnel_url was cleared because their tunnel was removed. */
  detached: string[];
  /** Sessions removed because they expired. */
  expired: string[];
}

/** Same rule as core withTunnelUrl: a server-managed change bumps the version so ETags and caches move. */
export async function runCleanup(env: Env, now: number, cache: SessionCache): Promise<ScheduledSummary> {
  const store = sessionStoreOf(env);
  const expiry = await expireSessions(store, env.LINKUP_SESSIONS, now, cache);
  const result = await cleanupTunnels(env.LINKUP_TUNNELS, tunnelProviderFromEnv(env), now);
  const detached: string[] = [];
  for (const tunnel of result.deleted) {
    const session = await store.get(tunnel.session);
    if (!session || session.spec.type === "preview" || session.tunnel_url !== tunnel.tunnel_url) continue;
    await store.put(withTunnelUrl(session, null, new Date(now).toISOString()));
    cache.invalidate(session.name);
    detached.push(session.name);
  }
  return { ...result, failed: [...expiry.failed, ...result.failed], detached, expired: expiry.expired };
}

export function scheduledHandler(cache: SessionCache) {
  return async (controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> => {
    const summary = await runCleanup(env, controller.scheduledTime, cache);
    // Names only: tunnel records carry no secrets, but nothing else needs to be in the log.
    console.log(
      `linkup cron: removed ${summary.expired.length} expired session(s) [${summary.expired.join(", ")}], ` +
        `${summary.deleted.length} tunnel(s) [${summary.deleted.map((t) => t.session).join(", ")}], kept ${summary.kept}, ` +
        `failed ${summary.failed.length}${summary.failed.map((f) => ` (${f.session}: ${f.error})`).join("")}`,
    );
    // A failed run is reported as failed to Cloudflare (visible in the cron history); the next run retries.
    if (summary.failed.length > 0) throw new Error(`linkup cron: ${summary.failed.length} session(s) or tunnel(s) could not be removed`);
  };
}

// The Linkup edge worker: the session API under /linkup/v1 (the shared app, src/api/session-api.ts,
// given this worker's KV store, token and tunnels), the unauthenticated GET /linkup/check
// (core/check.ts), Mentimeter's session endpoints for its CLIs (legacy-api.ts) and, for every
// other path, the session proxy (proxy.ts); plus the hourly cron (scheduled.ts). Runs on
// Cloudflare and, for the embedded default and the tests, under Miniflare (src/daemon/embedded-worker).
import { Hono } from "hono";
import { sessionApi } from "../api/session-api.js";
import { API_PREFIX } from "../core/api.js";
import { CHECK_PATH, checkBody } from "../core/check.js";
import type { AppEnv } from "./env.js";
import { legacyApi } from "./legacy-api.js";
import { proxyRequest } from "./proxy.js";
import { scheduledHandler } from "./scheduled.js";
import { isolateSessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import { tunnelProviderFromEnv } from "./tunnels/from-env.js";
import { startTunnel } from "./tunnels/tunnel-store.js";

const api = sessionApi<AppEnv>({
  label: "worker",
  auth: (c) => ({
    token: c.env.WORKER_TOKEN || undefined,
    realm: "linkup",
    tokenHint: "<worker token>",
    wrongToken: "The worker token is wrong. Check worker_token in your Linkup settings.",
    unconfigured: {
      code: "worker-token-missing",
      message: "This worker has no WORKER_TOKEN configured, so its API is closed. Set it with `wrangler secret put WORKER_TOKEN`.",
    },
  }),
  store: (c) => sessionStoreOf(c.env),
  // This isolate's proxy sees the write at once; other isolates within the cache TTL.
  onWrite: (_c, name) => isolateSessionCache.invalidate(name),
  startTunnel: async (c, name, now) => {
    const started = await startTunnel(c.env.LINKUP_TUNNELS, tunnelProviderFromEnv(c.env), name, now);
    return { tunnel_url: started.record.tunnel_url, hostname: started.record.hostname, run_token: started.run_token };
  },
  onError: (err, c) => logFailure(err, c.req.method, c.req.url),
});

const app = new Hono<AppEnv>();
app.route(API_PREFIX, api);
// Liveness without a token, on every host (so a tunnel's health check reaches it through any
// session host too); the exact path is reserved, see core/check.ts.
app.on(["GET", "HEAD"], CHECK_PATH, (c) => {
  const port = Number(c.env.LINKUP_ADMIN_PORT);
  return c.json(checkBody("worker", { stateId: c.env.LINKUP_STATE_ID ?? null, ...(port > 0 ? { adminPort: port } : {}) }), 200, {
    "cache-control": "no-store",
  });
});
app.all(CHECK_PATH, (c) => c.text(`${c.req.method} is not allowed on ${CHECK_PATH}; use GET\n`, 405, { allow: "GET, HEAD" }));
// Mentimeter's session endpoints, for its CLIs during a move (docs/migrating.md).
app.route("/linkup", legacyApi(isolateSessionCache));
app.all("*", (c) => proxyRequest(c.req.raw, c.env, isolateSessionCache));

/** Message only (no stack, no headers): nothing request-supplied such as the token is logged. */
function logFailure(err: unknown, method: string, url: string): string {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`linkup worker: ${method} ${new URL(url).pathname}: ${message}`);
  return message;
}

app.onError((err, c) => {
  const message = logFailure(err, c.req.method, c.req.url);
  return new Response(`Linkup worker failed: ${message} - Linkup worker\n`, {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
});

export default { fetch: app.fetch, scheduled: scheduledHandler(isolateSessionCache) };

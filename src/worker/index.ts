// The Linkup edge worker: the session API under /linkup/v1 (auth + JSON, api.ts) and, for every
// other path, the session proxy (proxy.ts); plus the hourly cron (scheduled.ts). Runs on
// Cloudflare and, for the embedded default and the tests, under Miniflare (src/daemon/embedded-worker).
import { Hono } from "hono";
import { API_PREFIX } from "../core/api.js";
import { sessionApi } from "./api.js";
import { apiError } from "./api-error.js";
import type { AppEnv } from "./env.js";
import { proxyRequest } from "./proxy.js";
import { scheduledHandler } from "./scheduled.js";
import { isolateNameProbes } from "./name-probes.js";
import { isolateSessionCache } from "./session-cache.js";
import { isolateTunnelKeys } from "./tunnel-keys.js";

const app = new Hono<AppEnv>();

app.route(API_PREFIX, sessionApi(isolateSessionCache, isolateTunnelKeys));
const proxyState = { sessions: isolateSessionCache, tunnels: isolateTunnelKeys, probes: isolateNameProbes };
app.all("*", (c) => proxyRequest(c.req.raw, c.env, proxyState));

app.onError((err, c) => {
  // Message only (no stack, no headers): nothing request-supplied such as the token is echoed.
  const message = err instanceof Error ? err.message : String(err);
  console.error(`linkup worker: ${c.req.method} ${new URL(c.req.url).pathname}: ${message}`);
  if (new URL(c.req.url).pathname.startsWith(API_PREFIX + "/")) return apiError(500, "internal", `the worker failed: ${message}`);
  return new Response(`Linkup worker failed: ${message} - Linkup worker\n`, {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
});

export default { fetch: app.fetch, scheduled: scheduledHandler(isolateSessionCache) };

// The Linkup edge worker: the session API under /linkup/v1 (auth + JSON, api.ts), the
// unauthenticated GET /linkup/check (core/check.ts) and, for every other path, the session proxy
// (proxy.ts); plus the hourly cron (scheduled.ts). Runs on
// Cloudflare and, for the embedded default and the tests, under Miniflare (src/daemon/embedded-worker).
import { Hono } from "hono";
import { API_PREFIX } from "../core/api.js";
import { CHECK_PATH, checkBody } from "../core/check.js";
import { sessionApi } from "./api.js";
import { apiError } from "./api-error.js";
import type { AppEnv } from "./env.js";
import { proxyRequest } from "./proxy.js";
import { scheduledHandler } from "./scheduled.js";
import { isolateSessionCache } from "./session-cache.js";

const app = new Hono<AppEnv>();

app.route(API_PREFIX, sessionApi(isolateSessionCache));
// Liveness without a token, on every host (so a tunnel's health check reaches it through any
// session host too); the exact path is reserved, see core/check.ts.
app.on(["GET", "HEAD"], CHECK_PATH, (c) => {
  const port = Number(c.env.LINKUP_ADMIN_PORT);
  return c.json(checkBody("worker", { stateId: c.env.LINKUP_STATE_ID ?? null, ...(port > 0 ? { adminPort: port } : {}) }), 200, {
    "cache-control": "no-store",
  });
});
app.all(CHECK_PATH, (c) => c.text(`${c.req.method} is not allowed on ${CHECK_PATH}; use GET\n`, 405, { allow: "GET, HEAD" }));
app.all("*", (c) => proxyRequest(c.req.raw, c.env, isolateSessionCache));

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

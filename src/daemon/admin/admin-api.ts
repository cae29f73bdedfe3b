// The local admin API: the shared session API (src/api/session-api.ts) on the daemon's own
// loopback listener, for the CLI and the reconciler, with this host's guards in front of it
// (loopback Host, the Origin rule: local-guards.ts) and its own endpoints beside it (/status,
// /tunnel, /requests, /dashboard/code: local-endpoints.ts), plus the dashboard under /dashboard
// (dashboard/, cookie login), and the unauthenticated GET /linkup/check (core/check.ts) after the
// guards. Served from node:http through @hono/node-server.
//
// Writes go through the file store's cross-process lock (FileSessionStore.update), then into the
// proxy's registry so the next request routes with them.
import { Hono } from "hono";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiError } from "../../api/api-error.js";
import { requireAuth, type ApiAuth } from "../../api/auth.js";
import { sessionApi } from "../../api/session-api.js";
import { API_PREFIX } from "../../core/api.js";
import { CHECK_PATH, type LinkupCheck } from "../../core/check.js";
import type { LocalStatus } from "../../core/local-api.js";
import type { FileSessionStore } from "../../store/file-store.js";
import type { TunnelConnector } from "../cloudflared/tunnel-connector.js";
import type { RequestLog } from "../request-log.js";
import type { SessionRegistry } from "../session-registry.js";
import { createDashboardAuth } from "./dashboard/dashboard-auth.js";
import { DASHBOARD_PREFIX, dashboardRoutes, localApiCaller } from "./dashboard/dashboard-routes.js";
import { localEndpoints } from "./local-endpoints.js";
import { loopbackHostOnly, originRule } from "./local-guards.js";
import { createStreamRegistry } from "./request-stream.js";

export interface AdminApiOptions {
  store: FileSessionStore;
  registry: SessionRegistry;
  token: string;
  /** The port the admin listener is bound to (the only Host values accepted name it). */
  port: () => number;
  status: () => Promise<LocalStatus>;
  /** The cloudflared supervisor behind /linkup/v1/tunnel. */
  tunnel: TunnelConnector;
  /** The proxy's request log (null: kept off). */
  requestLog: RequestLog | null;
  /** Called on unexpected failures (the answer is a 500 without detail beyond the message). */
  onError?: (error: unknown) => void;
  /** The body of the unauthenticated GET /linkup/check (core/check.ts). */
  check?: () => LinkupCheck;
}

export interface AdminApi {
  listener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Ends the open request streams (before the listener closes). */
  close(): void;
}

/** Guards, then the shared session API with this host's endpoints and the dashboard; anything else is 404. */
function adminApp(options: AdminApiOptions, streams: ReturnType<typeof createStreamRegistry>): Hono {
  const auth: ApiAuth = {
    token: options.token,
    realm: "linkup-local",
    tokenHint: "<token from the admin-token file in the Linkup state directory>",
    wrongToken: "The admin token is wrong: it is read from the admin-token file in the Linkup state directory.",
  };
  const dashboard = createDashboardAuth();
  const app = new Hono();
  app.use("*", loopbackHostOnly(options.port), originRule(DASHBOARD_PREFIX));
  // Liveness for monitors and for a starting Linkup that finds this port taken: no token needed.
  app.on(["GET", "HEAD"], CHECK_PATH, (c) => c.json(options.check?.() ?? { linkup: true }, 200, { "cache-control": "no-store" }));
  app.all(CHECK_PATH, (c) => apiError(405, "method-not-allowed", `${c.req.method} is not allowed here; use GET`));
  app.route(
    API_PREFIX,
    sessionApi({
      label: "local server",
      auth: () => auth,
      store: () => options.store,
      onWrite: (_c, name, record) => (record ? options.registry.apply(record) : options.registry.remove(name)),
      onError: (error) => options.onError?.(error),
      endpoints: localEndpoints({
        status: options.status,
        tunnel: options.tunnel,
        requestLog: options.requestLog,
        streams,
        dashboard,
        dashboardPrefix: DASHBOARD_PREFIX,
      }),
    }),
  );
  // The router keeps `/dashboard/` apart from `/dashboard`, the page: send it there.
  app.get(`${DASHBOARD_PREFIX}/`, (c) => c.redirect(DASHBOARD_PREFIX, 301));
  app.route(
    DASHBOARD_PREFIX,
    dashboardRoutes({
      auth: dashboard,
      port: options.port,
      requestLog: options.requestLog,
      streams,
      sources: { localSessions: () => options.store.list(), status: options.status },
      localApi: localApiCaller((request) => app.fetch(request), options.port, options.token),
    }),
  );
  // Outside the API prefix and the dashboard: the same guards, then 404.
  app.all("*", requireAuth(() => auth), (c) => apiError(404, "not-found", `no Linkup API endpoint at ${c.req.path.slice(0, 200)}`));
  app.onError((error) => {
    options.onError?.(error);
    return apiError(500, "internal", `the local server failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return app;
}

export function createAdminApi(options: AdminApiOptions): AdminApi {
  const streams = createStreamRegistry();
  const listener = getRequestListener(adminApp(options, streams).fetch, {
    // Keep this process's global Request/Response (undici's): the proxy and the embedded worker share it.
    overrideGlobalObjects: false,
    // A request whose Host cannot even make a URL (missing, malformed) never reaches the guards: refuse it the same way.
    errorHandler: (error) => {
      if (error instanceof RequestError)
        return apiError(403, "forbidden-host", `the admin API only answers requests for 127.0.0.1:${options.port()} or localhost:${options.port()}`);
      options.onError?.(error);
      return apiError(500, "internal", `the local server failed: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  return { listener, close: () => streams.closeAll() };
}

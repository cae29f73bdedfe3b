// The admin listener's endpoints beside the session API: GET /linkup/v1/status, PUT|GET|DELETE
// /linkup/v1/tunnel for the cloudflared this daemon supervises, the request log (GET /requests,
// GET /requests/stream) and POST /dashboard/code (a one-time dashboard login for `linkup
// dashboard`). Wire shapes and body checks are the core's (src/core/local-api.ts); this file adapts
// them to the daemon's parts.
import { apiError, jsonAnswer, noContent } from "../../api/api-error.js";
import { readJsonBody } from "../../api/limited-body.js";
import type { ApiEndpoint } from "../../api/session-api.js";
import { LinkupError } from "../../core/errors.js";
import { parseDashboardContext, parseTunnelConnectBody, type DashboardCode, type LocalStatus } from "../../core/local-api.js";
import type { Env } from "hono";
import type { TunnelConnector } from "../cloudflared/tunnel-connector.js";
import type { RequestLog } from "../request-log.js";
import { CODE_TTL_MS, type DashboardAuth } from "./dashboard/dashboard-auth.js";
import { requestListAnswer, requestStreamAnswer, type createStreamRegistry } from "./request-stream.js";

export interface LocalEndpointParts {
  status: () => Promise<LocalStatus>;
  tunnel: TunnelConnector;
  requestLog: RequestLog | null;
  streams: ReturnType<typeof createStreamRegistry>;
  dashboard: DashboardAuth;
  /** The dashboard's path prefix, for the login path handed out. */
  dashboardPrefix: string;
}

export function localEndpoints<E extends Env>(parts: LocalEndpointParts): ApiEndpoint<E>[] {
  const { status, tunnel, requestLog, streams } = parts;
  const logOff = () => apiError(404, "request-log-off", "this local server keeps no request log");
  return [
    { path: "/status", methods: { GET: async () => jsonAnswer(await status()) } },
    {
      path: "/tunnel",
      methods: {
        GET: async () => jsonAnswer(await tunnel.status()),
        PUT: async (c) => {
          const body = await readJsonBody(c.req.raw);
          if (!body.ok) return body.response;
          const parsed = parseTunnelConnectBody(body.value);
          if (!parsed.ok) return apiError(400, parsed.code, parsed.message);
          try {
            return jsonAnswer(await tunnel.connect(parsed.request));
          } catch (error) {
            // Unprocessable rather than a server fault: the daemon works, this machine lacks the binary.
            if (error instanceof LinkupError && error.code === "cloudflared-missing") return apiError(422, error.code, error.message);
            throw error;
          }
        },
        DELETE: async () => {
          await tunnel.disconnect();
          return noContent();
        },
      },
    },
    { path: "/requests", methods: { GET: (c) => (requestLog ? requestListAnswer(c, requestLog) : logOff()) } },
    { path: "/requests/stream", methods: { GET: (c) => (requestLog ? requestStreamAnswer(c, requestLog, streams) : logOff()) } },
    {
      path: "/dashboard/code",
      methods: {
        POST: async (c) => {
          const body = await readJsonBody(c.req.raw);
          if (!body.ok) return body.response;
          const parsed = parseDashboardContext(body.value);
          if (!parsed.ok) return apiError(400, parsed.code, parsed.message);
          const code = parts.dashboard.issueCode(parsed.context);
          const answer: DashboardCode = { path: `${parts.dashboardPrefix}/login?code=${code}`, expires_in: CODE_TTL_MS / 1000 };
          return jsonAnswer(answer, 201);
        },
      },
    },
  ];
}

// The admin listener's endpoints beside the session API: GET /linkup/v1/status, and
// PUT|GET|DELETE /linkup/v1/tunnel for the cloudflared this daemon supervises. Wire shapes and
// body checks are the core's (src/core/local-api.ts); this file adapts them to the connector.
import { apiError, jsonAnswer, noContent } from "../../api/api-error.js";
import { readJsonBody } from "../../api/limited-body.js";
import type { ApiEndpoint } from "../../api/session-api.js";
import { LinkupError } from "../../core/errors.js";
import { parseTunnelConnectBody, type LocalStatus } from "../../core/local-api.js";
import type { Env } from "hono";
import type { TunnelConnector } from "../cloudflared/tunnel-connector.js";

export function localEndpoints<E extends Env>(status: () => Promise<LocalStatus>, tunnel: TunnelConnector): ApiEndpoint<E>[] {
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
  ];
}

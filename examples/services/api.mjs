// The `api` service of the example: answers the web page's fetch (cross-origin, attributed by
// Linkup through Referer/Origin), calls `auth` server to server through Linkup passing on the
// traceparent and W3C baggage it received (attributed by the `linkup-session` baggage member),
// and echoes over a WebSocket.
import { createServer, request as httpRequest, Agent } from "node:http";
import { WebSocketServer } from "ws";
import { createRequestLog, requestInfo, sessionFromTracestate, REQUEST_LOG_PATH } from "./request-info.mjs";
import { sendJson, handleCommon } from "./respond.mjs";

const AUTH_TIMEOUT_MS = 5_000;

/**
 * What this service passes on to its own calls: the trace id and the W3C baggage, as an
 * OpenTelemetry SDK's propagators would. Linkup puts `linkup-session=<name>` in both tracestate
 * and baggage; this example leaves tracestate out, as a hop that rewrites or drops it would, so
 * the call to auth is attributed by baggage alone.
 */
export const PROPAGATED_HEADERS = ["traceparent", "baggage"];

/**
 * GET `path` on auth through Linkup, forwarding the propagated context so Linkup can tell which
 * session this server-side call belongs to (it has no Host label, Referer or Origin of its own).
 */
function callAuth({ gatewayUrl, apiHost, agent }, path, incoming) {
  const headers = { host: apiHost, accept: "application/json" };
  for (const name of PROPAGATED_HEADERS) if (incoming[name]) headers[name] = incoming[name];
  return new Promise((resolve) => {
    const req = httpRequest(new URL(path, gatewayUrl), { headers, agent, signal: AbortSignal.timeout(AUTH_TIMEOUT_MS) }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode, ...JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode, error: text.split("\n")[0] });
        }
      });
      res.on("error", (e) => resolve({ status: 0, error: e.message }));
    });
    req.on("error", (e) => resolve({ status: 0, error: e.message }));
    req.end();
  });
}

/**
 * @param {{ copy: "local" | "remote", gatewayUrl: string, apiHost: string }} options
 *   gatewayUrl: the Linkup entry this copy calls other services through (the remote copy uses the
 *   worker, like a deployed service would; the local copy uses the local server, which knows the
 *   isolated sessions too). apiHost: the Host to send, a host under the api domain.
 */
export function createApiService({ copy, gatewayUrl, apiHost }) {
  const log = createRequestLog();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const cors = { "access-control-allow-origin": "*" };
  const server = createServer(async (req, res) => {
    const info = handleCommon(req, res, log, requestInfo, REQUEST_LOG_PATH);
    if (!info) return;
    const auth = await callAuth({ gatewayUrl, apiHost, agent }, "/auth/check", req.headers);
    sendJson(
      res,
      200,
      {
        // One line that shows both hops: the page's call (Referer) and the api's own call (baggage).
        message: `api (${copy} copy) for session ${info.session ?? "(none)"}; its call to auth: ${auth.message ?? `failed (${auth.status}: ${auth.error})`}`,
        service: "api",
        copy,
        session: info.session,
        referer: info.referer,
        origin: info.origin,
        auth,
        // The headers that carried the session on the api's call to auth.
        propagated: PROPAGATED_HEADERS.filter((name) => req.headers[name] !== undefined),
      },
      cors,
    );
  });

  // WebSocket echo on /ws: each message comes back tagged with this copy and the session the
  // handshake carried, so a round trip shows which api answered.
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/ws")) {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
      return;
    }
    const info = requestInfo(req);
    log.record({ ...info, websocket: true });
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data) => {
        ws.send(JSON.stringify({ echo: data.toString(), from: `api (${copy} copy)`, session: sessionFromTracestate(req.headers.tracestate) }));
      });
    });
  });
  // Upgraded sockets still hold the HTTP server open, so they are ended before it closes.
  const close = () =>
    new Promise((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      agent.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { name: "api", copy, server, log, close };
}

// WebSocket pass-through. The upstream connection is opened with fetch + `Upgrade: websocket`
// (workerd's outbound WebSocket), then a WebSocketPair relays frames both ways: text stays text,
// binary stays binary, and a close from either side is passed on with its code and reason.
import { HOP_BY_HOP } from "../core/headers.js";
import type { TargetResult } from "../core/route.js";
import { applyResponseRules, responseContextOf } from "./forward-headers.js";
import { withHeadersTimeout } from "./headers-timeout.js";

type Routed = Extract<TargetResult, { kind: "routed" }>;

/** RFC 6455 says `Upgrade: websocket` is case-insensitive; browsers send it lowercase, others not always. */
export function isWebSocketUpgrade(request: Request): boolean {
  return (request.headers.get("upgrade") ?? "").trim().toLowerCase() === "websocket";
}

/** Close codes that may not be sent on the wire (1005, 1006, 1015) or are out of range become a plain close. */
function sendableCode(code: number): number | undefined {
  if (code === 1000 || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)) return code;
  return undefined;
}

function closeQuietly(ws: WebSocket, code: number | undefined, reason: string): void {
  try {
    if (code === undefined) ws.close();
    else ws.close(code, reason.slice(0, 123)); // close reasons are limited to 123 bytes
  } catch {
    // already closed
  }
}

function pipe(from: WebSocket, to: WebSocket): void {
  from.addEventListener("message", (event) => {
    try {
      to.send(event.data);
    } catch (err) {
      closeQuietly(from, 1011, err instanceof Error ? err.message : "relay failed");
    }
  });
  from.addEventListener("close", (event) => closeQuietly(to, sendableCode(event.code), event.reason));
  from.addEventListener("error", () => closeQuietly(to, 1011, "the other side failed"));
}

/**
 * Headers of the upstream's 101 that reach the client: the upstream's own (a session cookie, a
 * server header, the chosen subprotocol), minus what belongs to the handshake between workerd and
 * the upstream (key answer, extensions negotiated on that leg), hop-by-hop headers and body
 * framing. The local server forwards the same set, so both hosts answer an upgrade alike.
 */
const NOT_FORWARDED_ON_101 = new Set<string>([
  ...HOP_BY_HOP,
  "sec-websocket-accept",
  "sec-websocket-extensions",
  "content-length",
  "content-encoding",
]);

export function handshakeHeaders(upstream: Headers): Headers {
  // A copy keeps repeated headers (Set-Cookie) as they were; then drop what must not pass.
  const out = new Headers(upstream);
  for (const name of NOT_FORWARDED_ON_101) out.delete(name);
  return out;
}

export async function relayWebSocket(
  request: Request,
  upstreamUrl: string,
  headers: Headers,
  target: Routed,
  upstreamFailed: (err: unknown) => Response,
  /** The handshake waits at most this long; an upgraded socket is never timed out. */
  timeoutMs: number,
  timedOut: () => Response,
): Promise<Response> {
  // The core strips hop-by-hop headers; the upgrade itself is what this request is for.
  headers.set("upgrade", "websocket");
  headers.set("connection", "Upgrade");
  // workerd runs its own handshake with the upstream (key, version, extensions).
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"]) headers.delete(h);
  const sent = await withHeadersTimeout(timeoutMs, (signal) => fetch(upstreamUrl, { method: "GET", headers, signal }));
  if (!sent.ok) return sent.timedOut ? timedOut() : upstreamFailed(sent.error);
  const upstream = sent.value;
  const upstreamSocket = upstream.webSocket;
  if (!upstreamSocket) {
    // The upstream answered without upgrading (e.g. 404 or a login redirect): hand that answer back.
    if (upstream.status === 101) return upstreamFailed(new Error("the upstream accepted the upgrade but gave no socket"));
    const response = new Response(upstream.body, upstream);
    applyResponseRules(response.headers, responseContextOf(request, target));
    return response;
  }
  const pair = new WebSocketPair();
  const client = pair[0];
  const server = pair[1];
  upstreamSocket.accept();
  server.accept();
  // Newer compatibility dates deliver binary frames as Blob by default; ArrayBuffer can be sent on as is.
  upstreamSocket.binaryType = "arraybuffer";
  server.binaryType = "arraybuffer";
  pipe(server, upstreamSocket);
  pipe(upstreamSocket, server);
  return new Response(null, { status: 101, webSocket: client, headers: handshakeHeaders(upstream.headers) });
}

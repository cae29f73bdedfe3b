// How the local proxy answers when it cannot forward: the core's status and text (describeFailure,
// "local server") as text/plain, like the worker. A dev server that is down is the one case a
// developer mostly meets in the browser, so that 502 comes as a minimal HTML page when the client
// asks for HTML (same text). Upgrade requests get the plain answer written raw on the socket.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { describeFailure, type RoutingFailure } from "../../core/outcome.js";
import { publicOrigin } from "./request-view.js";

const HOST = "local server";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlPage(status: number, message: string): string {
  const title = `${status} ${STATUS_CODES[status] ?? ""}`.trim();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Linkup</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}code,pre{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px;white-space:pre-wrap}</style></head>
<body><h1>${escapeHtml(title)}</h1><pre>${escapeHtml(message)}</pre></body></html>
`;
}

function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes("text/html");
}

/** Short cause for a 502 text, from node's and undici's error codes. */
function errorDetail(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
      return "host not found";
    case "ECONNRESET":
    // undici's code for a socket the upstream closed before the response was complete.
    case "UND_ERR_SOCKET":
      return "connection reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "timed out";
    default:
      return e?.message || String(error);
  }
}

/** The failure for an upstream that could not be reached or broke off; `url` has no query (it may hold secrets). */
export function upstreamFailure(
  service: string | undefined,
  url: string | undefined,
  error: unknown,
): Extract<RoutingFailure, { kind: "upstream-failed" }> {
  return { kind: "upstream-failed", service: service ?? "unknown", origin: url ?? "(unknown)", detail: errorDetail(error) };
}

export function sendFailure(req: IncomingMessage, res: ServerResponse, failure: RoutingFailure): void {
  const { status, message } = describeFailure(failure, HOST, publicOrigin(req));
  if (res.headersSent) {
    // The upstream failed mid-response: the status is gone, so cut the connection to signal it.
    res.destroy();
    return;
  }
  const html = failure.kind === "upstream-failed" && wantsHtml(req);
  const body = html ? htmlPage(status, message) : message + "\n";
  res.writeHead(status, {
    "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** The same answer for an upgrade request, before any 101 was sent; the socket is then closed. */
export function writeSocketFailure(socket: Duplex, failure: RoutingFailure, req?: IncomingMessage): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = describeFailure(failure, HOST, req ? publicOrigin(req) : undefined);
  const body = message + "\n";
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "content-type: text/plain; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "cache-control: no-store\r\nconnection: close\r\n\r\n" +
      body,
  );
}

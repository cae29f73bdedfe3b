// How the local proxy answers when it cannot forward: the core's status and text (describeFailure,
// "local server") as text/plain, like the worker. A dev server that is down is the one case a
// developer mostly meets in the browser, so that 502 comes as a minimal HTML page when the client
// asks for HTML (same text). Upgrade requests get the plain answer written raw on the socket.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { acceptsHtml, failurePage } from "../../core/failure-page.js";
import { describeFailure, type RoutingFailure } from "../../core/outcome.js";
import { publicOrigin } from "./request-view.js";

const HOST = "local server";


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

/** Answers the failure; returns the status answered (for the request log). */
export function sendFailure(req: IncomingMessage, res: ServerResponse, failure: RoutingFailure): number {
  const { status, message } = describeFailure(failure, HOST, publicOrigin(req));
  if (res.headersSent) {
    // The upstream failed mid-response: the status is gone, so cut the connection to signal it.
    res.destroy();
    return res.statusCode;
  }
  const html = failure.kind === "upstream-failed" && acceptsHtml(req.headers.accept);
  const body = html ? failurePage(status, [message]) : message + "\n";
  res.writeHead(status, {
    "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return status;
}

/** The same answer for an upgrade request, before any 101 was sent; the socket is then closed. Returns the status. */
export function writeSocketFailure(socket: Duplex, failure: RoutingFailure, req?: IncomingMessage): number {
  const { status, message } = describeFailure(failure, HOST, req ? publicOrigin(req) : undefined);
  if (!socket.writable) {
    socket.destroy();
    return status;
  }
  const body = message + "\n";
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "content-type: text/plain; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "cache-control: no-store\r\nconnection: close\r\n\r\n" +
      body,
  );
  return status;
}

// The tunnel listener's handler: the local server's own listener for traffic from the worker
// (what cloudflared's ingress and the direct provider's tunnel_url point at), separate from the
// proxy port local browsers use. Every request must carry the worker's signature (core
// tunnel-signature) made with the tunnel's secret; anything unsigned, badly signed or older than
// the replay window gets 403 before any routing, with one fixed text that names no session. A
// verified request is routed to exactly the session the worker signed for. The one exception is
// `GET /linkup/check` (core/check.ts): Linkup's liveness answer, which routes nothing and carries
// nothing secret, so `linkup status` and monitors can tell the tunnel reaches this machine.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { isCheckPath } from "../../core/check.js";
import { DESTINATION_HEADER } from "../../core/headers.js";
import { isDnsLabel } from "../../core/session-name.js";
import { TUNNEL_SESSION_HEADER, TUNNEL_SIGNATURE_HEADER, type SignatureCheck, type SignedRequest } from "../../core/tunnel-signature.js";
import type { ProxyHandler } from "../proxy/proxy-handler.js";
import type { TunnelKeyRing } from "./key-ring.js";

export const TUNNEL_REFUSAL =
  "Forbidden: this is a Linkup tunnel listener. It accepts only requests forwarded and signed by the Linkup worker. - Linkup local server";

export interface TunnelGate {
  web(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface TunnelGateOptions {
  keys: TunnelKeyRing;
  proxy: ProxyHandler;
  /** Clock for the replay window (tests move it). */
  now?: () => number;
  /** Refusals are logged (reason and client address, never header values), at most one line per 10 s plus a count. */
  log?: (line: string) => void;
}

type Refusal = Exclude<SignatureCheck, { ok: true }>["reason"] | "no-key";

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : undefined;
}

export function createTunnelGate(options: TunnelGateOptions): TunnelGate {
  const { keys, proxy } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  let lastLog = -Infinity;
  let unlogged = 0;

  function noteRefusal(req: IncomingMessage, reason: Refusal, skewMs?: number): void {
    const t = now();
    if (t - lastLog < 10_000) {
      unlogged++;
      return;
    }
    const detail = reason === "stale" && skewMs !== undefined ? ` (timestamp ${Math.round(skewMs / 1000)}s off this machine's clock: check the clock)` : "";
    const more = unlogged > 0 ? `; ${unlogged} more refused since the last note` : "";
    log(`tunnel listener: refused a request from ${req.socket.remoteAddress ?? "?"}: ${reason}${detail}${more}`);
    lastLog = t;
    unlogged = 0;
  }

  /** The session to route to when the request verifies, else undefined (already noted). */
  async function check(req: IncomingMessage): Promise<string | undefined> {
    const session = header(req, TUNNEL_SESSION_HEADER);
    const signature = header(req, TUNNEL_SIGNATURE_HEADER);
    if (session === undefined || signature === undefined || !isDnsLabel(session)) {
      noteRefusal(req, "missing");
      return undefined;
    }
    const signed: SignedRequest = {
      method: req.method ?? "",
      host: header(req, "x-forwarded-host") ?? "",
      target: req.url ?? "",
      session,
      destination: header(req, DESTINATION_HEADER) ?? "",
    };
    // One stat per request: a secret the CLI just stored (new tunnel, rotation) or removed counts at once.
    keys.refresh();
    let signer = keys.signer(session);
    if (!signer && keys.reload()) signer = keys.signer(session);
    if (!signer) {
      noteRefusal(req, "no-key");
      return undefined;
    }
    let result = await signer.verify(signed, signature, now());
    if (!result.ok && result.reason === "bad-signature" && keys.reload()) {
      const fresh = keys.signer(session);
      if (fresh && fresh !== signer) result = await fresh.verify(signed, signature, now());
    }
    if (result.ok) return session;
    noteRefusal(req, result.reason, result.reason === "stale" ? result.skewMs : undefined);
    return undefined;
  }

  function refuse(req: IncomingMessage, res: ServerResponse): void {
    const body = TUNNEL_REFUSAL + "\n";
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  function refuseSocket(socket: Duplex): void {
    if (!socket.writable) return void socket.destroy();
    const body = TUNNEL_REFUSAL + "\n";
    socket.end(
      `HTTP/1.1 403 ${STATUS_CODES[403]}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `cache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  return {
    web(req, res) {
      if ((req.method === "GET" || req.method === "HEAD") && isCheckPath(req.url ?? "")) return proxy.web(req, res);
      check(req).then(
        (session) => (session === undefined ? refuse(req, res) : proxy.web(req, res, session)),
        () => refuse(req, res),
      );
    },
    upgrade(req, socket, head) {
      socket.on("error", () => socket.destroy());
      check(req).then(
        (session) => (session === undefined ? refuseSocket(socket) : proxy.upgrade(req, socket, head, session)),
        () => refuseSocket(socket),
      );
    },
  };
}

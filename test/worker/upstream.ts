// Real local upstreams for the worker tests: an HTTP server with a per-test handler and a
// WebSocket echo server (ws), each closed by the test that started it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export interface Upstream {
  url: string;
  origin: string;
  server: Server;
  /** Requests seen, newest last. */
  seen: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Echoes method, URL and headers as JSON unless a handler is given. */
export async function startUpstream(handler?: Handler): Promise<Upstream> {
  const seen: Upstream["seen"] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    if (handler) return handler(req, res);
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface WsUpstream {
  url: string;
  /** Headers of each upgrade request received. */
  upgrades: IncomingMessage["headers"][];
  /** Close frames received from the worker side. */
  closes: { code: number; reason: string }[];
  close(): Promise<void>;
}

/** Echoes every message with its type; the text "close:<code>:<reason>" makes it close with that code. */
export async function startWsEcho(): Promise<WsUpstream> {
  const upgrades: IncomingMessage["headers"][] = [];
  const closes: { code: number; reason: string }[] = [];
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  wss.on("headers", (_headers, req) => upgrades.push(req.headers));
  wss.on("connection", (ws) => {
    ws.on("close", (code, reason) => closes.push({ code, reason: reason.toString() }));
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? undefined : data.toString();
      const m = text ? /^close:(\d+):(.*)$/.exec(text) : null;
      if (m) return ws.close(Number(m[1]), m[2]);
      ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    closes,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of wss.clients) c.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A minimal valid spec: one domain, the given services (first is the default). */
export function specOf(
  services: {
    name: string;
    route: string;
    local?: string;
    remote?: string;
    rewrites?: { source: string; target: string }[];
    timeouts?: { headers?: number; connection_wait?: number };
  }[],
  extra: { type?: "tunneled" | "isolated" | "preview"; domain?: string; routes?: { path: string; service: string }[]; cache_routes?: string[] } = {},
) {
  return {
    type: extra.type ?? "tunneled",
    services: services.map((s) => ({ rewrites: [], ...s })),
    domains: [{ domain: extra.domain ?? "example.com", default_service: services[0]!.name, routes: extra.routes ?? [] }],
    cache_routes: extra.cache_routes ?? [],
  };
}

// The local proxy: every request and upgrade on the proxy listeners. Routing, header rules and
// failure texts are the core's (resolveSessionSync, selectTarget, requestHeaderDelta,
// responseHeaderDelta, describeFailure), so a request is treated here exactly as in the worker;
// http-proxy-3 only moves bytes: bodies stream both ways, WebSockets are piped after the 101.
//
// Hot path: per request one RequestView, one header delta, and one small route record hung on the
// request. Upstream options (parsed target URL, agent) are built once per compiled service.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { createProxyServer, type ServerOptions } from "http-proxy-3";
import { requestHeaderDelta, responseHeaderDelta, type HeaderDelta } from "../core/headers.js";
import type { RoutingFailure } from "../core/outcome.js";
import { resolveSessionSync } from "../core/resolve-session.js";
import { selectTarget, type CompiledService } from "../core/route.js";
import { sendFailure, writeSocketFailure } from "./failure-response.js";
import { pooledRandomHex } from "./random-hex.js";
import { NodeRequestView } from "./request-view.js";
import type { SessionRegistry } from "./session-registry.js";

/** What the response and error handlers need to know about a routed request. */
interface RouteState {
  service: string;
  /** Upstream URL without the query: named in the 502 text (the query may hold secrets). */
  url: string;
  cacheable: boolean;
  upstreamOrigin: string | null;
  /** Set once the upstream accepted a WebSocket upgrade: errors after that only close sockets. */
  upgraded: boolean;
}

const ROUTE = Symbol("linkup.route");
type RoutedRequest = IncomingMessage & { [ROUTE]?: RouteState };

interface ServiceOptions {
  web: ServerOptions;
  ws: ServerOptions;
}

export interface ProxyHandler {
  web(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes pooled upstream connections. */
  close(): void;
}

export interface ProxyHandlerOptions {
  registry: SessionRegistry;
  /** Upstream sockets kept per origin; dev servers are local, so this bounds load, not latency. */
  maxSockets?: number;
  /** Detail for LINKUP_DEBUG (never headers: they may carry tokens). */
  debug?: (line: string) => void;
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

function applyDelta(headers: http.IncomingHttpHeaders, delta: HeaderDelta, keepUpgrade: boolean): void {
  for (const [name, value] of delta) {
    if (value !== null) headers[name] = value;
    // An upgrade must reach the upstream with its Connection/Upgrade pair intact.
    else if (!(keepUpgrade && (name === "connection" || name === "upgrade"))) delete headers[name];
  }
}

/** Origin the client sees (the session host, also when the request came through the tunnel). */
function publicOrigin(req: IncomingMessage): string {
  const forwardedHost = firstValue(req.headers["x-forwarded-host"])?.split(",")[0]?.trim();
  const forwardedProto = firstValue(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  const proto = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : isEncrypted(req) ? "https" : "http";
  return `${proto}://${forwardedHost || req.headers.host || "localhost"}`;
}

function errorDetail(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ECONNREFUSED") return "connection refused";
  if (e?.code === "ENOTFOUND") return "host not found";
  if (e?.code === "ECONNRESET") return "connection reset";
  if (e?.code === "ETIMEDOUT") return "timed out";
  return e?.message || String(error);
}

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const { registry, debug } = options;
  const maxSockets = options.maxSockets ?? 256;
  // Keep-alive to upstreams: without it every request pays a TCP (and TLS) handshake. LIFO reuses
  // the warmest socket and lets idle ones expire on the server's keep-alive timeout.
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: "lifo" as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const proxy = createProxyServer({
    // Our own header rules (core) replace http-proxy's x-forwarded handling.
    xfwd: false,
    // Upstream dev servers check Host (Vite's allowedHosts): they see their own; the session
    // host travels in x-forwarded-host.
    changeOrigin: true,
    // req.url is set to the exact upstream path below; skip http-proxy's re-parse of it.
    toProxy: true,
    prependPath: false,
  });
  const serviceOptions = new WeakMap<CompiledService, ServiceOptions>();
  const lookup = (name: string) => registry.get(name);

  function optionsFor(service: CompiledService): ServiceOptions {
    let o = serviceOptions.get(service);
    if (!o) {
      const target = new URL(service.upstreamOrigin!);
      const agent = target.protocol === "https:" ? httpsAgent : httpAgent;
      // Upgrades get their own connection: an upgraded socket leaves the pool for good anyway.
      o = { web: { target, agent }, ws: { target, agent: false } };
      serviceOptions.set(service, o);
    }
    return o;
  }

  /** Routes the request and rewrites its headers and URL for the upstream, or says why it cannot. */
  function route(req: RoutedRequest, upgrade: boolean): { service: CompiledService } | RoutingFailure {
    const view = new NodeRequestView(req);
    const resolution = resolveSessionSync(view, lookup);
    if (resolution.kind !== "found") return resolution;
    const target = selectTarget(resolution.session, view);
    if (target.kind !== "routed") return target;
    const service = target.service;
    const delta = requestHeaderDelta((name) => view.header(name), {
      session: resolution.name,
      host: view.host,
      proto: isEncrypted(req) ? "https" : "http",
      clientIp: req.socket.remoteAddress,
      randomHex: pooledRandomHex,
    });
    applyDelta(req.headers, delta, upgrade);
    // Only the URL the session names is ever contacted: the target is the service's upstream,
    // the path is what selectTarget computed (never the client's absolute URL or Host).
    req.url = target.url.slice(service.upstreamOrigin!.length) + view.search;
    req[ROUTE] = { service: service.name, url: target.url, cacheable: target.cacheable, upstreamOrigin: service.upstreamOrigin, upgraded: false };
    return { service };
  }

  proxy.on("proxyRes", (proxyRes, req: RoutedRequest, res) => {
    const state = req[ROUTE];
    if (!state) return;
    const headers = proxyRes.headers;
    const delta = responseHeaderDelta((name) => firstValue(headers[name]), {
      cacheable: state.cacheable,
      upstreamOrigin: state.upstreamOrigin,
      publicOrigin: headers.location ? publicOrigin(req) : "",
    });
    for (const [name, value] of delta) {
      if (value === null) delete headers[name];
      else headers[name] = value;
    }
    // The client's connection follows the client's wishes, not the upstream's.
    headers.connection = res.shouldKeepAlive ? "keep-alive" : "close";
  });

  proxy.on("proxyReqWs", (proxyReq, req: RoutedRequest) => {
    proxyReq.once("upgrade", () => {
      const state = req[ROUTE];
      if (state) state.upgraded = true;
    });
  });

  proxy.on("error", (error, req: RoutedRequest, resOrSocket) => {
    const state = req[ROUTE];
    debug?.(`upstream error for ${state?.service ?? "?"}: ${errorDetail(error)}`);
    const failure: RoutingFailure = {
      kind: "upstream-failed",
      service: state?.service ?? "unknown",
      origin: state?.url ?? "(unknown)",
      detail: errorDetail(error),
    };
    if ("writeHead" in resOrSocket) sendFailure(req, resOrSocket as ServerResponse, failure);
    else if (state && !state.upgraded && !(resOrSocket as Socket).destroyed) writeSocketFailure(resOrSocket as Socket, failure);
    else (resOrSocket as Socket).destroy();
  });
  // A client that went away mid-request: nothing to answer.
  proxy.on("econnreset", () => {});

  return {
    web(req, res) {
      const routed = route(req, false);
      if ("kind" in routed) return sendFailure(req, res, routed);
      proxy.web(req, res, optionsFor(routed.service).web);
    },
    upgrade(req, socket, head) {
      socket.on("error", () => socket.destroy());
      const routed = route(req, true);
      if ("kind" in routed) return writeSocketFailure(socket, routed);
      proxy.ws(req, socket, head, optionsFor(routed.service).ws);
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

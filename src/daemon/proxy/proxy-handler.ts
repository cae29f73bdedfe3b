// The local proxy: every request and upgrade on the proxy listeners. Routing, header rules and
// failure texts are the core's (resolveSessionSync, selectTarget, requestHeaderDelta,
// responseHeaderDelta, describeFailure), so a request is treated here exactly as in the worker.
// Plain HTTP goes through undici (http-forwarder.ts: several times the throughput of Node's http
// client); WebSocket upgrades through http-proxy-3, which pipes both sockets after the 101.
//
// Hot path: per request one RequestView, one header delta, one small route record and (with the
// request log on) one trace holding the routing results by reference; the log formats it only
// when read. Upstreams (connection pool, Host) are looked up once per compiled service.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createProxyServer, type ServerOptions } from "http-proxy-3";
import { isCheckPath, type LinkupCheck } from "../../core/check.js";
import { UPSTREAM_LIMITS } from "../../core/defaults.js";
import { requestHeaderDelta, type HeaderDelta } from "../../core/headers.js";
import type { RoutingFailure } from "../../core/outcome.js";
import type { RequestTrace } from "../../core/request-record.js";
import { resolveSessionSync } from "../../core/resolve-session.js";
import type { RequestView } from "../../core/request.js";
import { selectTarget, type CompiledService, type CompiledSession } from "../../core/route.js";
import { sendFailure, upstreamFailure, writeSocketFailure } from "./failure-response.js";
import { createHttpForwarder, hasRequestBody, type ForwardedRoute, type Upstream } from "./http-forwarder.js";
import { pooledRandomHex } from "./random-hex.js";
import { NodeRequestView, isEncrypted } from "./request-view.js";
import type { SessionRegistry } from "../session-registry.js";
import type { RequestLog } from "../request-log.js";

/** A routed request: what the forwarder and the upgrade error handler need. */
interface RouteState extends ForwardedRoute {
  target: CompiledService;
  /** Set once the upstream accepted a WebSocket upgrade: errors after that only close sockets. */
  upgraded: boolean;
  /** Set when the upgrade handshake outlived the headers timeout and was answered 504. */
  timedOut?: boolean;
}

const ROUTE = Symbol("linkup.route");
type RoutedRequest = IncomingMessage & { [ROUTE]?: RouteState };

interface ServiceUpstream {
  web: Upstream;
  ws: ServerOptions;
}

export interface ProxyHandler {
  /** `session`: route to exactly this session instead of resolving one (the tunnel listener, after checking the worker's signature). */
  web(req: IncomingMessage, res: ServerResponse, session?: string): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, session?: string): void;
  /** Closes pooled upstream connections. */
  close(): Promise<void>;
}

export interface ProxyHandlerOptions {
  registry: SessionRegistry;
  /** Where each routed request is recorded; without one nothing is. */
  requestLog?: RequestLog;
  /** Upstream connections per origin; dev servers are local, so this bounds load, not latency. */
  maxSockets?: number;
  /** Detail for LINKUP_DEBUG (never headers: they may carry tokens). */
  debug?: (line: string) => void;
  /** Notable events (an origin whose connections stayed busy). */
  log?: (line: string) => void;
  /** The body of GET /linkup/check, answered on every host (core/check.ts). */
  check?: () => LinkupCheck;
  /** Clock for session expiry (ms since epoch); injectable for tests. */
  now?: () => number;
}

/** GET /linkup/check: 200 with the check body; other methods 405 (the path is reserved). */
function sendCheck(req: IncomingMessage, res: ServerResponse, body: LinkupCheck | undefined): void {
  req.resume();
  if (req.method !== "GET" && req.method !== "HEAD") {
    const text = `${req.method} is not allowed on /linkup/check; use GET\n`;
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    res.end(text);
    return;
  }
  const text = JSON.stringify(body ?? { linkup: true });
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : text);
}

/** The request delta on node's header object, which http-proxy-3 copies for the upstream upgrade request. */
function applyUpgradeDelta(headers: IncomingMessage["headers"], delta: HeaderDelta): void {
  for (const [name, value] of delta) {
    if (value !== null) headers[name] = value;
    // An upgrade must reach the upstream with its Connection/Upgrade pair intact.
    else if (name !== "connection" && name !== "upgrade") delete headers[name];
  }
}

/** A request view naming exactly one session (as tracestate would), for resolving a session the worker chose. */
function onlyCandidate(name: string): RequestView {
  const tracestate = `linkup-session=${name}`;
  return { host: "", path: "/", header: (h) => (h === "tracestate" ? tracestate : undefined) };
}

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const { registry, debug, requestLog } = options;
  const now = options.now ?? Date.now;
  // Keep-alive pools, one per upstream origin: without them every request pays a TCP (and TLS) handshake.
  const forwarder = createHttpForwarder({
    connections: options.maxSockets ?? UPSTREAM_LIMITS.connectionsPerOrigin,
    debug,
    ...(options.log ? { log: options.log } : {}),
    ...(requestLog ? { requestLog } : {}),
  });
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
  const serviceUpstreams = new WeakMap<CompiledService, ServiceUpstream>();
  const lookup = (name: string) => registry.get(name);

  function upstreamFor(service: CompiledService): ServiceUpstream {
    let u = serviceUpstreams.get(service);
    if (!u) {
      const origin = service.upstreamOrigin!;
      // Upgrades get their own connection: an upgraded socket leaves any pool for good anyway.
      u = { web: forwarder.upstream(origin), ws: { target: new URL(origin), agent: false } };
      serviceUpstreams.set(service, u);
    }
    return u;
  }

  /** Routes the request and computes its header delta for the upstream, or says why it cannot. */
  // Session expiry rules: the clock is read once per request, the rest is fixed.
  const expiresAt = (s: CompiledSession) => s.expiresAt;
  const tombstone = (name: string) => registry.expiredAt(name);

  function route(req: IncomingMessage, view: NodeRequestView, trace: RequestTrace | undefined, session: string | undefined): RouteState | RoutingFailure {
    const expiry = { now: now(), expiresAt, tombstone };
    // A forced session (the worker signed for it) is resolved as the only candidate, with the same expiry rules.
    const resolution = resolveSessionSync(session === undefined ? view : onlyCandidate(session), lookup, expiry);
    if (trace) trace.resolution = resolution;
    if (resolution.kind !== "found") return resolution;
    const target = selectTarget(resolution.session, view);
    if (trace) trace.target = target;
    if (target.kind !== "routed") return target;
    const service = target.service;
    const proto = isEncrypted(req) ? "https" : "http";
    const requestDelta = requestHeaderDelta((name) => view.header(name), {
      session: resolution.name,
      // The `.localhost` alias is mapped back to the real session host: apps see their own domain.
      host: target.appHost ?? view.host,
      proto,
      clientIp: req.socket.remoteAddress,
      randomHex: pooledRandomHex,
    });
    // Only the URL the session names is ever contacted: the target is the service's upstream,
    // the path is what selectTarget computed (never the client's absolute URL or Host).
    return {
      service: service.name,
      url: target.url,
      cacheable: target.cacheable,
      upstreamOrigin: service.upstreamOrigin,
      appOrigin: target.appHost ? `${proto}://${target.appHost.toLowerCase()}` : null,
      routeHeader: service.routeHeader,
      trace,
      target: service,
      path: target.url.slice(service.upstreamOrigin!.length) + view.search,
      headersTimeoutMs: service.headersTimeoutMs,
      connectionWaitMs: service.connectionWaitMs,
      requestDelta,
      upgraded: false,
    };
  }

  proxy.on("proxyReqWs", (proxyReq, req: RoutedRequest, socket) => {
    const state = req[ROUTE];
    // The handshake waits at most the headers timeout; an upgraded socket has no time limit.
    const timer =
      state &&
      setTimeout(() => {
        if (state.upgraded) return;
        state.timedOut = true;
        const failure: RoutingFailure = { kind: "upstream-timeout", service: state.service, origin: state.upstreamOrigin ?? state.url, seconds: state.headersTimeoutMs / 1000 };
        const status = writeSocketFailure(socket, failure);
        if (state.trace) requestLog!.finish(state.trace, status, failure);
        proxyReq.destroy();
      }, state.headersTimeoutMs);
    const clear = () => clearTimeout(timer);
    proxyReq.once("upgrade", () => {
      clear();
      if (!state) return;
      state.upgraded = true;
      if (state.trace) requestLog!.finish(state.trace, 101);
    });
    // The upstream answered the upgrade without upgrading (a 404, a login redirect): that answer is relayed.
    proxyReq.once("response", (res) => {
      clear();
      if (state?.trace) requestLog!.finish(state.trace, res.statusCode ?? 0);
    });
    proxyReq.once("close", clear);
  });

  // Only upgrades go through http-proxy-3, so the third argument is always the client's socket.
  proxy.on("error", (error, req: RoutedRequest, resOrSocket) => {
    const state = req[ROUTE];
    const socket = resOrSocket as Socket;
    const failure = upstreamFailure(state?.service, state?.url, error);
    debug?.(`upstream error for ${failure.service}: ${failure.detail}`);
    if (state?.timedOut) return;
    if (state && !state.upgraded && !socket.destroyed) {
      const status = writeSocketFailure(socket, failure);
      if (state.trace) requestLog!.finish(state.trace, status, failure);
    } else socket.destroy();
  });
  // A client that went away mid-request: nothing to answer.
  proxy.on("econnreset", () => {});

  return {
    web(req, res, session) {
      if (isCheckPath(req.url!)) return sendCheck(req, res, options.check?.());
      const view = new NodeRequestView(req);
      const trace = requestLog?.start(req.method!, view.host, view.path);
      const routed = route(req, view, trace, session);
      if ("kind" in routed) {
        const status = sendFailure(req, res, routed);
        if (trace) requestLog!.finish(trace, status, routed);
        return;
      }
      forwarder.forward(req, res, upstreamFor(routed.target).web, routed, hasRequestBody(req) ? req : null);
    },
    upgrade(req: RoutedRequest, socket, head, session) {
      socket.on("error", () => socket.destroy());
      const view = new NodeRequestView(req);
      const trace = requestLog?.start(req.method!, view.host, view.path);
      const routed = route(req, view, trace, session);
      if ("kind" in routed) {
        const status = writeSocketFailure(socket, routed, req);
        if (trace) requestLog!.finish(trace, status, routed);
        return;
      }
      applyUpgradeDelta(req.headers, routed.requestDelta);
      req[ROUTE] = routed;
      req.url = routed.path;
      proxy.ws(req, socket, head, upstreamFor(routed.target).ws);
    },
    close() {
      return forwarder.close();
    },
  };
}

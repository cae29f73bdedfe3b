// The plain-HTTP half of the local proxy: sends a routed request to its upstream with undici and
// writes the answer straight into the ServerResponse (WebSockets stay with http-proxy-3, see
// proxy-handler.ts). Why undici: on a 2-core machine with 1 KiB responses at 32 connections, a bare
// proxy on Node's http client (http-proxy-3 or http.request + pipe, keep-alive agent) peaked at
// ~3-3.5k req/s against nginx's ~8-14k; the same proxy with an undici Pool reached ~8-9k. The
// client side stays node:http; only the upstream hop changed.
//
// Nothing is buffered: the request body is the IncomingMessage itself (streamed by undici, with
// its backpressure), response chunks are written as they arrive and undici's parser is paused
// while the client's socket is full. Headers travel as flat raw lists (name, value, name, value...)
// both ways, so duplicates (Set-Cookie) and their order survive: the request's are the client's raw
// headers with the core's request delta applied; the response's are undici's raw headers, the
// core's response delta computed with a getter over that list and applied in place. No header map
// is built on either side.
//
// Limits (docs/reliability.md): at most `connections` requests per upstream origin are in flight;
// the next ones wait in a FIFO here (not in undici's queue, so the wait is visible and bounded),
// each at most its service's connection wait before it is answered 503. Each request waits at most
// its service's headers timeout for the response headers (504); after that the body streams with
// no time limit, however long an event stream or a download lasts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool, type Dispatcher } from "undici";
import { responseHeaderDelta, type HeaderDelta } from "../../core/headers.js";
import type { RequestTrace } from "../../core/request-record.js";
import type { RequestLog } from "../request-log.js";
import type { RoutingFailure } from "../../core/outcome.js";
import { sendFailure, upstreamFailure } from "./failure-response.js";
import { publicOrigin } from "./request-view.js";

/** What the forwarder needs to know about a routed request. */
export interface ForwardedRoute {
  service: string;
  /** Upstream URL without the query: named in the 502 text (the query may hold secrets). */
  url: string;
  /** Upstream path and query (the service's base path, rewrites applied). */
  path: string;
  /** The service's headers timeout: no response headers by then answers 504. */
  headersTimeoutMs: number;
  /** The service's connection wait: no free upstream connection by then answers 503. */
  connectionWaitMs: number;
  cacheable: boolean;
  upstreamOrigin: string | null;
  /** The real session origin an app on the `.localhost` alias was told; redirects there go back to the alias. */
  appOrigin: string | null;
  /** The `linkup-route` answer header (built once per compiled service). */
  routeHeader: string;
  /** The core's request header rules for this request (forwarding, trace, hop-by-hop). */
  requestDelta: HeaderDelta;
  /** The request's trace, when the request log is on: finished once the answer's status is known. */
  trace: RequestTrace | undefined;
}

/** One upstream origin: its connection pool and the Host its dev server expects. */
export interface Upstream {
  readonly pool: Pool;
  /** `127.0.0.1:3000`: dev servers check Host (Vite's allowedHosts), so they get their own. */
  readonly host: string;
  /** Requests dispatched to the pool and not finished yet (at most `connections`). */
  active: number;
  /** Requests waiting for one of those to finish, oldest first. */
  readonly waiting: Waiter[];
}

interface Waiter {
  readonly handler: ForwardHandler;
  readonly dispatch: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface HttpForwarder {
  /** The upstream for an origin, created on first use and shared by every service on it. */
  upstream(origin: string): Upstream;
  /** Forwards a routed request to `upstream`; `body` is null when the request has none. */
  forward(req: IncomingMessage, res: ServerResponse, upstream: Upstream, route: ForwardedRoute, body: IncomingMessage | null): void;
  /** Closes every pooled upstream connection. */
  close(): Promise<void>;
}

export interface HttpForwarderOptions {
  /** Upstream connections per origin; dev servers are local, so this bounds load, not latency. */
  connections: number;
  /** Detail for LINKUP_DEBUG (never headers: they may carry tokens). */
  debug?: (line: string) => void;
  /** Notable events: a request answered 503 because the origin's connections stayed busy. */
  log?: (line: string) => void;
  /** Where traces are finished (status known); required when routes carry traces. */
  requestLog?: RequestLog;
}

/**
 * Whether the request carries a body. GET and HEAD (and anything without Content-Length or
 * Transfer-Encoding) get no body stream: undici then sends the request at once and can reuse the
 * connection without waiting on a stream that only ends.
 */
export function hasRequestBody(req: IncomingMessage): boolean {
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return length !== undefined && length !== "0";
}

/** Value of the first header called `lowercaseName` in a raw list (names compared without case). */
function rawHeader(raw: string[], lowercaseName: string): string | undefined {
  const length = lowercaseName.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Length first: most names differ in length, and a lowercase-only name needs no toLowerCase.
    if (name.length === length && (name === lowercaseName || name.toLowerCase() === lowercaseName)) return raw[i + 1];
  }
  return undefined;
}

function inDelta(delta: HeaderDelta, name: string): boolean {
  for (const entry of delta) {
    const d = entry[0];
    if (d.length === name.length && (d === name || name.toLowerCase() === d)) return true;
  }
  return false;
}

function isHostOrExpect(name: string): boolean {
  return name.length === 4 ? name.toLowerCase() === "host" : name.length === 6 && name.toLowerCase() === "expect";
}

/**
 * The upstream's request headers as a flat list, from the client's raw headers (their casing and
 * duplicates kept) with the delta applied. Host is the upstream's own; Expect is dropped: node has
 * already answered `100 Continue` to the client, and undici refuses the header. Connection,
 * Keep-Alive, Transfer-Encoding and Upgrade (also refused by undici) are hop-by-hop, so the delta
 * removes them whenever present.
 */
function requestHeaders(raw: string[], delta: HeaderDelta, host: string): string[] {
  const out = ["host", host];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (isHostOrExpect(name) || inDelta(delta, name)) continue;
    out.push(name, raw[i + 1]!);
  }
  for (const [name, value] of delta) if (value !== null) out.push(name, value);
  return out;
}

/** Drops every header the delta names (in place, keeping the others' order), then appends the set ones. */
function applyDelta(raw: string[], delta: HeaderDelta): void {
  let kept = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (inDelta(delta, name)) continue;
    raw[kept++] = name;
    raw[kept++] = raw[i + 1]!;
  }
  raw.length = kept;
  for (const [name, value] of delta) if (value !== null) raw.push(name, value);
}

const HANDLER = Symbol("linkup.forward");
type ForwardedResponse = ServerResponse & { [HANDLER]?: ForwardHandler };

// Shared listeners (this = the response) rather than two closures per request.
function onClientClose(this: ForwardedResponse): void {
  this[HANDLER]?.clientClosed();
}
function onClientDrain(this: ForwardedResponse): void {
  this[HANDLER]?.resume();
}

/**
 * undici's dispatch handler for one request. It uses the callback form that hands over the raw
 * response headers (onHeaders/onData/onComplete/onError): the controller form parses them into an
 * object first, which merges duplicates and costs a map per response.
 */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private abortUpstream: ((error?: Error) => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  private drainListening = false;
  /** Answered, failed or abandoned by the client: later callbacks have nothing to do. */
  settled = false;
  /** undici is done with the request (completed or failed): its connection is free again. */
  private finished = false;
  /** Set while the request waits for a connection. */
  waiter: Waiter | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: ForwardedRoute,
    private readonly debug: ((line: string) => void) | undefined,
    private readonly log: RequestLog | undefined,
    /** Called once, when undici is done with the request. */
    private readonly onFinished: () => void,
  ) {}

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinished();
  }

  onConnect(abort: (error?: Error) => void): void {
    // The client left while the request waited for a pooled connection: do not send it at all.
    if (this.settled) abort();
    else this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    // Informational answers (103 Early Hints) are not relayed; the final one follows.
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    // latin1 both ways: header bytes reach the client exactly as the upstream sent them.
    const headers: string[] = [];
    for (const h of rawHeaders) headers.push(h.toString("latin1"));
    const route = this.route;
    const delta = responseHeaderDelta((name) => rawHeader(headers, name), {
      cacheable: route.cacheable,
      upstreamOrigin: route.upstreamOrigin,
      publicOrigin: rawHeader(headers, "location") !== undefined ? publicOrigin(this.req) : "",
      appOrigin: route.appOrigin,
      route: route.routeHeader,
    });
    applyDelta(headers, delta);
    // Connection/Keep-Alive were dropped with the hop-by-hop headers: node answers them for the
    // client's own connection. A header node refuses throws here; undici then aborts and onError
    // answers 502.
    if (statusText) this.res.writeHead(statusCode, statusText, headers);
    else this.res.writeHead(statusCode, headers);
    if (route.trace) {
      this.log!.finish(route.trace, statusCode);
      route.trace = undefined;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    // The client reads slower than the upstream writes: pause undici's parser until it drains.
    if (!this.drainListening) {
      this.drainListening = true;
      this.res.on("drain", onClientDrain);
    }
    return false;
  }

  onComplete(): void {
    this.finish();
    this.settled = true;
    this.res.end();
  }

  onError(error: Error): void {
    this.finish();
    if (this.settled) return;
    this.settled = true;
    const route = this.route;
    if ((error as NodeJS.ErrnoException).code === "UND_ERR_HEADERS_TIMEOUT") {
      this.debug?.(`upstream ${route.service} sent no headers within ${route.headersTimeoutMs} ms`);
      return this.fail({ kind: "upstream-timeout", service: route.service, origin: route.upstreamOrigin ?? route.url, seconds: route.headersTimeoutMs / 1000 });
    }
    const failure = upstreamFailure(this.route.service, this.route.url, error);
    this.debug?.(`upstream error for ${failure.service}: ${failure.detail}`);
    // Before the headers: the 502 text. After: the connection is destroyed, so the client sees a
    // truncated response rather than a complete-looking one (already logged with its status).
    this.fail(failure);
  }

  /** Answers a failure and finishes the request's trace with it. */
  private fail(failure: RoutingFailure): void {
    const status = sendFailure(this.req, this.res, failure);
    if (this.route.trace) {
      this.log!.finish(this.route.trace, status, failure);
      this.route.trace = undefined;
    }
  }

  /** The client's connection closed: cancel the upstream request (its socket is destroyed, not pooled mid-response). */
  clientClosed(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.waiter) {
      // Never dispatched: nothing to abort; the queue skips it.
      clearTimeout(this.waiter.timer);
      this.waiter = undefined;
      return;
    }
    this.abortUpstream?.();
  }

  /** Waited for a connection longer than the service allows: 503. */
  busy(connections: number): void {
    if (this.settled) return;
    this.settled = true;
    this.waiter = undefined;
    const route = this.route;
    this.fail({ kind: "upstream-busy", service: route.service, origin: route.upstreamOrigin ?? route.url, connections, seconds: route.connectionWaitMs / 1000 });
  }

  resume(): void {
    if (!this.settled) this.resumeUpstream?.();
  }
}

export function createHttpForwarder(options: HttpForwarderOptions): HttpForwarder {
  const { debug, connections } = options;
  const upstreams = new Map<string, Upstream>();
  const poolOptions: Pool.Options = {
    connections,
    // Per request instead (dispatch below): each service has its own headers timeout, and a body,
    // once started, has none (event streams and long polls stay quiet for longer than any default).
    headersTimeout: 0,
    bodyTimeout: 0,
  };

  /** A request on `upstream` finished: hand its connection to the oldest request still waiting. */
  function release(upstream: Upstream): void {
    upstream.active--;
    while (upstream.active < connections && upstream.waiting.length > 0) {
      const next = upstream.waiting.shift()!;
      if (next.handler.settled) continue; // its client left, or it was answered 503
      clearTimeout(next.timer);
      next.handler.waiter = undefined;
      next.dispatch();
    }
  }

  return {
    upstream(origin) {
      let upstream = upstreams.get(origin);
      if (!upstream) {
        upstream = { pool: new Pool(origin, poolOptions), host: new URL(origin).host, active: 0, waiting: [] };
        upstreams.set(origin, upstream);
      }
      return upstream;
    },

    forward(req, res, upstream, route, body) {
      const headers = requestHeaders(req.rawHeaders, route.requestDelta, upstream.host);
      const handler = new ForwardHandler(req, res, route, debug, options.requestLog, () => release(upstream));
      const forwarded = res as ForwardedResponse;
      forwarded[HANDLER] = handler;
      forwarded.on("close", onClientClose);
      const dispatch = () => {
        upstream.active++;
        // Never follows redirects (a Pool has no redirect interceptor): the 3xx goes to the client.
        upstream.pool.dispatch({ path: route.path, method: req.method!, headers, body, headersTimeout: route.headersTimeoutMs, bodyTimeout: 0 }, handler);
      };
      if (upstream.active < connections && upstream.waiting.length === 0) return dispatch();
      const waiter: Waiter = { handler, dispatch, timer: undefined };
      waiter.timer = setTimeout(() => {
        if (handler.settled) return;
        options.log?.(
          `service ${route.service} (${route.upstreamOrigin ?? route.url}): a request waited ${route.connectionWaitMs / 1000} s for one of the ${connections} connections, all busy; answered 503`,
        );
        handler.busy(connections);
      }, route.connectionWaitMs);
      handler.waiter = waiter;
      upstream.waiting.push(waiter);
    },

    async close() {
      const pools = [...upstreams.values()].map((u) => u.pool.destroy());
      upstreams.clear();
      await Promise.all(pools);
    },
  };
}

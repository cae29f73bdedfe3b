// Adapts the core header rules (requestHeaderDelta / responseHeaderDelta) to Fetch API Headers:
// the worker's only code that touches forwarded headers, shared by HTTP and WebSocket proxying.
import { requestHeaderDelta, responseHeaderDelta, type HeaderDelta, type ResponseHeaderContext } from "../core/headers.js";
import type { RequestView } from "../core/request.js";
import type { TargetResult } from "../core/route.js";

type Routed = Extract<TargetResult, { kind: "routed" }>;

export function applyDelta(headers: Headers, delta: HeaderDelta): void {
  for (const [name, value] of delta) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
}

function getter(headers: Headers): (name: string) => string | undefined {
  return (name) => headers.get(name) ?? undefined;
}

/** The core's view of a Fetch request: Host from the URL (workerd derives it from the Host header). */
export function requestViewOf(request: Request): RequestView {
  const url = new URL(request.url);
  return {
    host: url.host,
    path: url.pathname,
    header: (name) => request.headers.get(name) ?? undefined,
  };
}

/** Headers for the upstream request: the client's, with the core's forwarding and tracing rules applied. */
export function upstreamRequestHeaders(request: Request, session: string, target: Routed): Headers {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  applyDelta(
    headers,
    requestHeaderDelta(getter(request.headers), {
      session,
      // The `.localhost` alias is mapped back to the real session host: apps see their own domain.
      host: target.appHost ?? url.host,
      proto: url.protocol.replace(/:$/, ""),
      ...(request.headers.get("cf-connecting-ip") ? { clientIp: request.headers.get("cf-connecting-ip")! } : {}),
      ...(target.viaTunnel ? { destination: target.service.name } : {}),
    }),
  );
  // fetch sets Host from the upstream URL; the client's Host names the session, not the upstream.
  headers.delete("host");
  return headers;
}

export function responseContextOf(request: Request, target: Routed): ResponseHeaderContext {
  const url = new URL(request.url);
  return {
    cacheable: target.cacheable,
    upstreamOrigin: target.service.upstreamOrigin,
    publicOrigin: url.origin,
    appOrigin: target.appHost ? `${url.protocol}//${target.appHost.toLowerCase()}` : null,
    route: target.service.routeHeader,
  };
}

/** Applies the core response rules in place (cache-control, CORS, Location back to the session origin). */
export function applyResponseRules(headers: Headers, ctx: ResponseHeaderContext): void {
  applyDelta(headers, responseHeaderDelta(getter(headers), ctx));
}

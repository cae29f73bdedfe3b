// Header rules shared by both hosts, expressed as a delta (set / remove) computed from a header
// getter, so the worker (Fetch Headers) and the local server (Node header objects) apply the same
// rules to their own representation without copying headers around.

import { sessionFromBaggage } from "./resolve-session.js";

export type HeaderGetter = (lowercaseName: string) => string | undefined;

/** Header by which the worker tells the local server which service it picked (the local hop skips routing). */
export const DESTINATION_HEADER = "linkup-destination";

/** Response header naming the session and service that answered and from where (route.ts routeHeaderValue). */
export const ROUTE_HEADER = "linkup-route";

/** [name, value] sets the header; [name, null] removes it. Names are lowercase. */
export type HeaderDelta = [string, string | null][];

/** RFC 9110 hop-by-hop headers, never forwarded (WebSocket upgrades are handled by each host). */
export const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

export interface RequestHeaderContext {
  session: string;
  /** Host the client used, e.g. `slim-gecko.example.com:8787`. */
  host: string;
  /** `http` or `https`, as the client used it. */
  proto: string;
  /** Address of the client, appended to x-forwarded-for when known. */
  clientIp?: string;
  /** Set when the edge forwards through the tunnel: tells the local server the chosen service. */
  destination?: string;
  /** Random hex source (32 + 16 chars for a traceparent); injectable for tests. */
  randomHex?: (chars: number) => string;
}

export function cryptoRandomHex(chars: number): string {
  const bytes = new Uint8Array(Math.ceil(chars / 2));
  crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out.slice(0, chars);
}

/** tracestate with `linkup-session=<name>` as its first member (W3C: updated members move left). */
export function withSessionTracestate(existing: string | undefined, session: string): string {
  const ours = `linkup-session=${session}`;
  if (!existing) return ours;
  const others = existing
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "" && !m.startsWith("linkup-session="));
  return [ours, ...others].slice(0, 32).join(",");
}

/** W3C Baggage: at most 64 list-members and 8192 bytes are guaranteed to be propagated. */
export const BAGGAGE_MAX_MEMBERS = 64;
export const BAGGAGE_MAX_BYTES = 8192;

/**
 * baggage with `linkup-session=<name>` as its first member and no other linkup-session member.
 * Members past the W3C limits are dropped whole, from the end (never cut in the middle).
 */
export function withSessionBaggage(existing: string | undefined, session: string): string {
  const ours = `linkup-session=${session}`;
  if (!existing) return ours;
  const out = [ours];
  let bytes = ours.length;
  for (const raw of existing.split(",")) {
    const member = raw.trim();
    if (member === "") continue;
    const eq = member.indexOf("=");
    if (eq !== -1 && member.slice(0, eq).trim() === "linkup-session") continue;
    if (out.length >= BAGGAGE_MAX_MEMBERS || bytes + 1 + member.length > BAGGAGE_MAX_BYTES) break;
    out.push(member);
    bytes += 1 + member.length;
  }
  return out.join(",");
}

/** Whether a baggage header already carries exactly `linkup-session=<session>` as its only linkup member. */
function baggageNamesOnly(baggage: string, session: string): boolean {
  const first = baggage.indexOf("linkup-session");
  if (first === -1 || baggage.indexOf("linkup-session", first + 1) !== -1) return false;
  return sessionFromBaggage(baggage) === session;
}

export function requestHeaderDelta(get: HeaderGetter, ctx: RequestHeaderContext): HeaderDelta {
  const delta: HeaderDelta = [];
  const connection = get("connection");
  if (connection)
    for (const token of connection.split(",")) {
      const name = token.trim().toLowerCase();
      if (name && name !== "upgrade" && name !== "close" && name !== "keep-alive") delta.push([name, null]);
    }
  for (const h of HOP_BY_HOP) if (get(h) !== undefined) delta.push([h, null]);
  if (get("traceparent") === undefined) {
    const hex = ctx.randomHex ?? cryptoRandomHex;
    delta.push(["traceparent", `00-${hex(32)}-${hex(16)}-01`]);
  }
  const tracestate = get("tracestate");
  if (tracestate === undefined || tracestate.split(",", 1)[0]!.trim() !== `linkup-session=${ctx.session}` || /,\s*linkup-session=/.test(tracestate))
    delta.push(["tracestate", withSessionTracestate(tracestate, ctx.session)]);
  // The same name in W3C baggage: OpenTelemetry SDKs propagate baggage by default, so services
  // that pass on their telemetry context carry the session to their own calls through Linkup.
  const baggage = get("baggage");
  if (baggage === undefined || !baggageNamesOnly(baggage, ctx.session)) delta.push(["baggage", withSessionBaggage(baggage, ctx.session)]);
  if (get("x-forwarded-host") === undefined) delta.push(["x-forwarded-host", ctx.host]);
  if (get("x-forwarded-proto") === undefined) delta.push(["x-forwarded-proto", ctx.proto]);
  if (ctx.clientIp) {
    const xff = get("x-forwarded-for");
    delta.push(["x-forwarded-for", xff ? `${xff}, ${ctx.clientIp}` : ctx.clientIp]);
  }
  if (ctx.destination !== undefined) delta.push([DESTINATION_HEADER, ctx.destination]);
  else if (get(DESTINATION_HEADER) !== undefined) delta.push([DESTINATION_HEADER, null]);
  return delta;
}

export const CORS_HEADERS: readonly [string, string][] = [
  ["access-control-allow-origin", "*"],
  ["access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"],
  ["access-control-allow-headers", "*"],
  ["access-control-max-age", "86400"],
];

export interface ResponseHeaderContext {
  /** Whether the request path matched `cache_routes`. */
  cacheable: boolean;
  /** Origin of the upstream that answered, e.g. `https://api.example.com`. */
  upstreamOrigin: string | null;
  /** Origin the client used, e.g. `https://slim-gecko.example.com`. */
  publicOrigin: string;
  /**
   * When the client used the `.localhost` alias: the real session origin the app was told
   * (`http://slim-gecko.example.com:8787`). A redirect there goes back to the alias, which opens.
   */
  appOrigin?: string | null;
  /** The `linkup-route` value of the service that answered (CompiledService.routeHeader, built once per compile). */
  route: string;
}

export function responseHeaderDelta(get: HeaderGetter, ctx: ResponseHeaderContext): HeaderDelta {
  const delta: HeaderDelta = [];
  for (const h of HOP_BY_HOP) if (h !== "transfer-encoding" && get(h) !== undefined) delta.push([h, null]);
  if (!ctx.cacheable) delta.push(["cache-control", "no-store"]);
  // Upstreams that speak CORS themselves keep their answer; others get the permissive set.
  if (get("access-control-allow-origin") === undefined) for (const [k, v] of CORS_HEADERS) delta.push([k, v]);
  delta.push([ROUTE_HEADER, ctx.route]);
  const location = get("location");
  if (location && ctx.upstreamOrigin) {
    const rewritten = rewriteLocation(location, ctx.upstreamOrigin, ctx.publicOrigin, ctx.appOrigin);
    if (rewritten !== location) delta.push(["location", rewritten]);
  }
  return delta;
}

/**
 * A redirect to the upstream's own origin is sent back to the session's origin instead; so is one
 * to `appOrigin` (the real session origin an app on the `.localhost` alias builds its URLs from).
 */
export function rewriteLocation(location: string, upstreamOrigin: string, publicOrigin: string, appOrigin?: string | null): string {
  if (!/^https?:\/\//i.test(location)) return location;
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    return location;
  }
  if (target.origin !== upstreamOrigin && (!appOrigin || target.origin !== appOrigin)) return location;
  return publicOrigin + target.pathname + target.search + target.hash;
}

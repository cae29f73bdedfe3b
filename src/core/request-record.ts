// One routed request, explained: the record both hosts keep (the local server in memory and on its
// request stream, the worker as one JSON log line). A host builds a RequestTrace per request from
// what routing already computed (the resolution and target results of resolve-session.ts and
// route.ts, held by reference, plus a start time and the status); requestRecord() turns it into
// the wire record when someone reads it, so the hot path only fills a small object.
//
// Never in a record: request headers other than the host, cookies, tokens, query strings. The path
// is the URL path without its query; attribution values are hosts (a Referer's or Origin's host,
// not the URL) or the session name from tracestate; targets are origins (no path, no credentials).
import type { RoutingFailure } from "./outcome.js";
import type { CandidateSource, SessionResolution } from "./resolve-session.js";
import type { CompiledSession, RouteLocation, TargetResult } from "./route.js";
import { rewriteSteps } from "./rewrite.js";

/** Which host routed the request. */
export type RecordedAt = "worker" | "local";

/** What a host keeps per request: references and numbers only. */
export interface RequestTrace {
  /** Start time in the host's clock (ms); the wall-clock time is the formatter's `timeOrigin` + start. */
  start: number;
  method: string;
  /** The Host the client used. */
  host: string;
  /** The URL path without the query. */
  path: string;
  resolution: SessionResolution<CompiledSession> | undefined;
  target: TargetResult | undefined;
  /** The status answered (the upstream's, or the failure's). */
  status: number;
  /** Milliseconds until the response head was known (streams and WebSockets would never end otherwise). */
  duration: number;
  /** Set when routing or the upstream failed. */
  failure: RoutingFailure | undefined;
}

/** The record on the wire (`GET /linkup/v1/requests`, the stream, the worker's log line). */
export interface RequestRecord {
  /** Position in the local server's log (increasing); 0 in the worker's log line. */
  id: number;
  /** ISO time the request arrived. */
  time: string;
  at: RecordedAt;
  method: string;
  host: string;
  path: string;
  session: string | null;
  /** The header that named the session, and the host (or tracestate name) it was read from. */
  attribution: { source: CandidateSource; value: string } | null;
  /** When no session was found: the names the request offered, and where each came from. */
  tried: { source: CandidateSource; name: string }[];
  /** The domain of the session that matched the host; null when none did or the worker chose the service. */
  domain: string | null;
  /** The route pattern that matched the path; null: the domain's default service. */
  route: string | null;
  /** True when the worker named the service (`linkup-destination`, through the tunnel): no matching here. */
  destination: boolean;
  /** Rewrites that changed the path, in order. */
  rewrites: { source: string; target: string }[];
  service: string | null;
  location: RouteLocation | null;
  /** Origin of the upstream (no path, no credentials). */
  target: string | null;
  via_tunnel: boolean;
  status: number;
  duration_ms: number;
  /** How routing failed, or null for a forwarded request. */
  failure: { kind: RoutingFailure["kind"]; detail: string } | null;
}

/** What the worker logs: the record marked so a log reader (and the embedded host) can pick it out. */
export type RequestLogLine = { linkup: "request" } & Omit<RequestRecord, "id">;

export interface RequestFilter {
  session?: string | undefined;
  service?: string | undefined;
}

const MAX_HOST = 255;
const MAX_PATH = 2048;

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + "..." : text;
}

function failureDetail(f: RoutingFailure): string {
  switch (f.kind) {
    case "no-session":
      return f.tried.length ? "no session named by the request exists" : "the request names no session";
    case "unknown-session":
      return `tracestate or baggage names session ${f.name}, which does not exist`;
    case "expired-session":
      return `session ${f.name} expired at ${f.expired_at}`;
    case "no-target":
      return f.reason;
    case "no-tunnel":
      return `service ${f.service} is local but the session has no tunnel`;
    case "upstream-failed":
      return f.detail;
    default:
      // A failure kind added later still reaches the record, with its kind.
      return (f as { detail?: string }).detail ?? "";
  }
}

/** The wire record of a trace. `timeOrigin` + trace.start is the wall-clock time in ms. */
export function requestRecord(trace: RequestTrace, at: RecordedAt, timeOrigin: number, id = 0): RequestRecord {
  const r = trace.resolution;
  const found = r?.kind === "found" ? r : undefined;
  const t = trace.target?.kind === "routed" ? trace.target : undefined;
  const service = t?.service ?? null;
  const destination = t !== undefined && t.domain === null;
  const failure = trace.failure;
  return {
    id,
    time: new Date(timeOrigin + trace.start).toISOString(),
    at,
    method: trace.method,
    host: clip(trace.host, MAX_HOST),
    path: clip(trace.path, MAX_PATH),
    session: found?.name ?? null,
    attribution: found ? { source: found.source, value: clip(found.value, MAX_HOST) } : null,
    tried: r && r.kind !== "found" ? r.tried.map((c) => ({ source: c.source, name: c.name })) : [],
    domain: t?.domain?.domain ?? null,
    route: t?.route?.path ?? null,
    destination,
    rewrites:
      service && !destination && service.rewrites.length
        ? rewriteSteps(trace.path, service.rewrites).map((s) => ({ source: s.rule.source, target: s.rule.target }))
        : [],
    service: service?.name ?? (failure?.kind === "no-tunnel" ? failure.service : failure?.kind === "upstream-failed" ? failure.service : null),
    location: service?.location ?? null,
    target: service?.upstreamOrigin ?? null,
    via_tunnel: t?.viaTunnel ?? false,
    status: trace.status,
    duration_ms: Math.round(trace.duration * 10) / 10,
    failure: failure ? { kind: failure.kind, detail: failureDetail(failure) } : null,
  };
}

/** The worker's log line for a trace. */
export function requestLogLine(trace: RequestTrace): RequestLogLine {
  const { id: _id, ...record } = requestRecord(trace, "worker", 0);
  return { linkup: "request", ...record };
}

/** A parsed log line when `value` is one of the worker's request lines (the embedded host reads workerd's output). */
export function asRequestLogLine(value: unknown): RequestLogLine | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<RequestLogLine>;
  return v.linkup === "request" && typeof v.time === "string" && typeof v.path === "string" && typeof v.status === "number"
    ? (v as RequestLogLine)
    : undefined;
}

export function recordMatches(record: RequestRecord, filter: RequestFilter): boolean {
  return (filter.session === undefined || record.session === filter.session) && (filter.service === undefined || record.service === filter.service);
}

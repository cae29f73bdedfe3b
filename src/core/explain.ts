// `linkup explain`: the routing of one request, step by step, computed by the very functions the
// hosts route with (sessionCandidates/readSource, resolveSessionSync, selectTarget, the header
// rules, describeFailure) and laid out as data. A request for a `local` service of a worker
// session is followed through the tunnel to the local server, as the worker would forward it.
// Pure: the caller hands in the sessions of each side (live, or from the config).
import { describeFailure, type RoutingFailure } from "./outcome.js";
import { hostnameOf, type RequestView } from "./request.js";
import { CANDIDATE_SOURCES, readSource, resolveSessionSync, type CandidateSource } from "./resolve-session.js";
import { compileSession, selectTarget, type CompiledSession, type RouteLocation } from "./route.js";
import { requestHeaderDelta, responseHeaderDelta, type HeaderDelta } from "./headers.js";
import { rewriteSteps } from "./rewrite.js";
import type { SessionRecord } from "./session.js";
import type { SessionType } from "./config.js";
import type { RecordedAt } from "./request-record.js";

export interface ExplainInput {
  method: string;
  /** The Host the request is sent with, e.g. `slim-gecko.example.test:8787`. */
  host: string;
  /** Path without the query. */
  path: string;
  /** Extra request headers (`-H`), names in any case; the first of a repeated name counts, as in routing. */
  headers: readonly (readonly [string, string])[];
  /** `https` or `http`, for the forwarding headers. */
  proto: string;
}

export interface ExplainOptions {
  /** The host the request arrives at. */
  at: RecordedAt;
  /** The sessions each host holds. */
  sessions: { worker: readonly SessionRecord[]; local: readonly SessionRecord[] };
  /** The session the user expects the request to reach (`--session`), for the hint. */
  expect?: string | undefined;
  /** Sessions come from the config, not the live servers: tunnels are not known yet. */
  offline?: boolean;
  /** Random hex for the traceparent Linkup would add (tests pass a fixed one). */
  randomHex?: (chars: number) => string;
  /** The clock (ms since epoch) sessions' expiry is judged by; without it no session counts as expired. */
  now?: number;
}

/** What one attribution source found. */
export interface AttributionStep {
  source: CandidateSource;
  /** The header value as sent (Host for `host`); null when absent. */
  header: string | null;
  /** The host (or tracestate name) the source read; null when it could not read one. */
  value: string | null;
  /** The session name the source offered. */
  name: string | null;
  /**
   * absent: no such header; no-name: the header names no session (a host without a session label,
   * no `linkup-session` member); duplicate: an earlier source offered the same name; chosen: the
   * first name that is a live session here; not-a-session: no such session here; expired: the
   * session is past its expiry; not-needed: an earlier source already found the session.
   */
  result: "absent" | "no-name" | "duplicate" | "chosen" | "not-a-session" | "expired" | "not-needed";
}

export interface ExplainHop {
  at: RecordedAt;
  /** The Host this hop sees. */
  host: string;
  attribution: AttributionStep[];
  session: string | null;
  session_type: SessionType | null;
  /** The session's domain the host is under; null when none or when the service came in `linkup-destination`. */
  domain: string | null;
  /** The route pattern that matched the path; null: the domain's default service. */
  route: string | null;
  /** True when the worker named the service in `linkup-destination` (no domain or route matching here). */
  destination: boolean;
  rewrites: { source: string; target: string; before: string; after: string }[];
  service: string | null;
  location: RouteLocation | null;
  /** Upstream URL without the query (the query is passed on unchanged). */
  target_url: string | null;
  via_tunnel: boolean;
  /** Headers Linkup sets (value) or removes (null) on the way upstream. */
  request_headers: HeaderDelta;
  /** Headers Linkup sets on the answer (for an upstream that sends no CORS or cache headers of its own). */
  response_headers: HeaderDelta;
  /** null when the request is forwarded; else the failure, its status and the text the host answers. */
  failure: { kind: RoutingFailure["kind"]; status: number; message: string } | null;
}

export interface Explanation {
  request: { method: string; host: string; path: string; headers: [string, string][] };
  hops: ExplainHop[];
  /** Where the request ends up: the last hop's service and target, or its failure. */
  result: { session: string | null; service: string | null; location: RouteLocation | null; target_url: string | null; status: number | null };
  /** What would make it work, or why it went elsewhere than `expect`; null when there is nothing to add. */
  hint: string | null;
}

function viewOf(host: string, path: string, headers: readonly (readonly [string, string])[]): RequestView {
  const map = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (!map.has(key)) map.set(key, value);
  }
  return { host, path, header: (name) => map.get(name) };
}

function attributionSteps(view: RequestView, exists: (name: string) => "live" | "expired" | undefined): AttributionStep[] {
  const steps: AttributionStep[] = [];
  const seen = new Set<string>();
  let chosen = false;
  for (const source of CANDIDATE_SOURCES) {
    const header = source === "host" ? view.host : view.header(source);
    if (!header) {
      steps.push({ source, header: null, value: null, name: null, result: "absent" });
      continue;
    }
    const read = readSource(source, header);
    const name = read?.name ?? null;
    const base = { source, header, value: read?.value ?? null, name };
    if (name === null) steps.push({ ...base, result: "no-name" });
    else if (chosen) steps.push({ ...base, result: "not-needed" });
    else if (seen.has(name)) steps.push({ ...base, result: "duplicate" });
    else {
      const state = exists(name);
      if (state === "live") {
        chosen = true;
        steps.push({ ...base, result: "chosen" });
      } else steps.push({ ...base, result: state === "expired" ? "expired" : "not-a-session" });
    }
    if (name !== null) seen.add(name);
  }
  return steps;
}

interface HopResult {
  hop: ExplainHop;
  /** Set when the hop forwards through the tunnel: the request the local server receives. */
  forwarded?: { host: string; path: string; headers: [string, string][] };
}

/**
 * Stands in for the tunnel URL of a session read from the config (known only once it runs), so the
 * worker's routing runs unchanged; it is never shown.
 */
const OFFLINE_TUNNEL = "http://linkup-tunnel.invalid";
/** The Host shown for the local hop when the tunnel is not known. */
const OFFLINE_TUNNEL_HOST = "(the session's tunnel)";

function explainHop(
  at: RecordedAt,
  input: ExplainInput,
  request: { host: string; path: string; headers: readonly (readonly [string, string])[] },
  sessions: Map<string, CompiledSession>,
  options: ExplainOptions,
): HopResult {
  const view = viewOf(request.host, request.path, request.headers);
  const now = options.now;
  const expired = (s: CompiledSession) => now !== undefined && s.expiresAt !== null && s.expiresAt <= now;
  const resolution = resolveSessionSync(view, (n) => sessions.get(n), now === undefined ? undefined : { now, expiresAt: (s) => s.expiresAt });
  const hop: ExplainHop = {
    at,
    host: request.host,
    attribution: attributionSteps(view, (n) => {
      const s = sessions.get(n);
      return s === undefined ? undefined : expired(s) ? "expired" : "live";
    }),
    session: null,
    session_type: null,
    domain: null,
    route: null,
    destination: false,
    rewrites: [],
    service: null,
    location: null,
    target_url: null,
    via_tunnel: false,
    request_headers: [],
    response_headers: [],
    failure: null,
  };
  const fail = (f: RoutingFailure): HopResult => {
    const { status, message } = describeFailure(f, at === "worker" ? "worker" : "local server");
    hop.failure = { kind: f.kind, status, message };
    return { hop };
  };
  if (resolution.kind !== "found") return fail(resolution);
  const session = resolution.session;
  hop.session = session.name;
  hop.session_type = session.record.spec.type;
  const target = selectTarget(session, view);
  if (target.kind !== "routed") return fail(target);
  const service = target.service;
  hop.domain = target.domain?.domain ?? null;
  hop.route = target.route?.path ?? null;
  hop.destination = target.domain === null;
  const steps = hop.destination ? [] : rewriteSteps(request.path, service.rewrites);
  hop.rewrites = steps.map((s) => ({ source: s.rule.source, target: s.rule.target, before: s.before, after: s.after }));
  hop.service = service.name;
  hop.location = service.location;
  const offlineTunnel = target.viaTunnel && session.record.tunnel_url === OFFLINE_TUNNEL;
  hop.target_url = offlineTunnel ? null : target.url;
  hop.via_tunnel = target.viaTunnel;
  hop.request_headers = requestHeaderDelta((n) => view.header(n), {
    session: session.name,
    host: request.host,
    proto: input.proto,
    ...(target.viaTunnel ? { destination: service.name } : {}),
    ...(options.randomHex ? { randomHex: options.randomHex } : {}),
  });
  hop.response_headers = responseHeaderDelta(() => undefined, {
    cacheable: target.cacheable,
    upstreamOrigin: service.upstreamOrigin,
    publicOrigin: "",
    route: service.routeHeader,
  });
  if (!target.viaTunnel) return { hop };
  const url = new URL(target.url);
  return {
    hop,
    forwarded: {
      host: offlineTunnel ? OFFLINE_TUNNEL_HOST : url.host,
      path: url.pathname,
      headers: forwardedHeaders(request.headers, hop.request_headers),
    },
  };
}

/** The client's headers as the worker forwards them: the delta applied (x-forwarded-host, tracestate, destination...). */
function forwardedHeaders(headers: readonly (readonly [string, string])[], delta: HeaderDelta): [string, string][] {
  const out = new Map<string, string>();
  for (const [name, value] of headers) if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), value);
  for (const [name, value] of delta) {
    if (value === null) out.delete(name);
    else out.set(name, value);
  }
  return [...out];
}

function compileAll(records: readonly SessionRecord[], mode: "edge" | "local", offline = false): Map<string, CompiledSession> {
  return new Map(
    records.map((r) => [r.name, compileSession(offline && mode === "edge" && r.tunnel_url === null ? { ...r, tunnel_url: OFFLINE_TUNNEL } : r, mode)]),
  );
}

/**
 * The host that names session `name` for this request's host: the session label put in front of
 * the configured domain the host is under (`api.example.com` -> `<name>.api.example.com`, and
 * `other.example.com` -> `<name>.example.com` when only example.com is configured).
 */
function hostFor(name: string, host: string, domains: readonly string[]): string {
  const hostname = hostnameOf(host);
  const port = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : host.includes(":") ? host.slice(host.indexOf(":")) : "";
  const domain = [...domains].sort((a, b) => b.length - a.length).find((d) => hostname === d || hostname.endsWith("." + d));
  return `${name}.${domain ?? hostname}${port}`;
}

function noSessionHint(input: ExplainInput, options: ExplainOptions, here: Map<string, CompiledSession>, hop: ExplainHop): string {
  const other = options.at === "worker" ? options.sessions.local : options.sessions.worker;
  const offered = hop.attribution.filter((s) => s.name !== null).map((s) => s.name!);
  const elsewhere = offered.find((n) => !here.has(n) && other.some((r) => r.name === n));
  if (elsewhere) {
    const type = other.find((r) => r.name === elsewhere)!.spec.type;
    return `Session ${elsewhere} is ${type === "isolated" ? "an isolated session: it lives on the local server only" : "a preview session: it lives in the worker only"}; send the request to the ${options.at === "worker" ? "local server's proxy" : "worker"} instead.`;
  }
  const name = options.expect ?? "<session>";
  const session = options.expect !== undefined ? here.get(options.expect) : undefined;
  // The session's own domains, else every domain any session here answers for.
  const domains = session ? session.domains.map((d) => d.domain) : [...new Set([...here.values()].flatMap((s) => s.domains.map((d) => d.domain)))];
  const sessionHost = hostFor(name, input.host, domains);
  const ways = [
    `the host ${sessionHost}`,
    `a Referer or Origin from a page of the session, e.g. \`Referer: ${input.proto}://${sessionHost}/\``,
    `\`tracestate: linkup-session=${name}\` or \`baggage: linkup-session=${name}\` (a service calling another)`,
  ];
  const list = here.size ? ` Sessions here: ${[...here.keys()].sort().join(", ")}.` : " There are no sessions here.";
  if (options.expect !== undefined && !here.has(options.expect))
    return `Session ${options.expect} does not exist on the ${options.at === "worker" ? "worker" : "local server"}.${list}`;
  if (options.expect !== undefined) return `No session claimed the request. It would reach session ${name} with any of: ${ways.join("; ")}.`;
  return `No session claimed the request. It would reach a session with any of: ${ways.join("; ")}.${list}`;
}

function hintFor(input: ExplainInput, options: ExplainOptions, first: Map<string, CompiledSession>, hops: ExplainHop[]): string | null {
  const hop = hops[0]!;
  const last = hops[hops.length - 1]!;
  if (hop.failure?.kind === "no-session") return noSessionHint(input, options, first, hop);
  if (hop.failure?.kind === "unknown-session") {
    const names = [...first.keys()].sort();
    return `tracestate or baggage names a session that does not exist here. ${names.length ? `Sessions here: ${names.join(", ")}.` : "There are no sessions here."}`;
  }
  if (hop.failure?.kind === "expired-session")
    return "The session expired: `linkup apply` writes a session declared in linkup.yaml again (its ttl counts from then); `linkup sessions create-preview` a preview.";
  if (last.failure?.kind === "no-target" && last.session) {
    const s = (last.at === hop.at ? first : compileAll(options.sessions.local, "local")).get(last.session);
    return s ? `Session ${last.session} answers for: ${s.domains.map((d) => d.domain).join(", ")}.` : null;
  }
  if (last.failure?.kind === "no-tunnel") return "Start the session on the machine that runs its local services: `linkup start`.";
  if (options.expect !== undefined && hop.session !== null && hop.session !== options.expect) {
    const by = hop.attribution.find((s) => s.result === "chosen")!;
    return `The request reached session ${hop.session}, not ${options.expect}: ${by.source} named ${hop.session} first (sources are tried in the order ${CANDIDATE_SOURCES.join(", ")}).`;
  }
  return null;
}

/** The explanation of one request at `options.at`, followed through the tunnel when the worker sends it there. */
export function explainRequest(input: ExplainInput, options: ExplainOptions): Explanation {
  const first =
    options.at === "worker" ? compileAll(options.sessions.worker, "edge", options.offline) : compileAll(options.sessions.local, "local");
  const hops: ExplainHop[] = [];
  const one = explainHop(options.at, input, input, first, options);
  hops.push(one.hop);
  if (one.forwarded && options.at === "worker") {
    const local = compileAll(options.sessions.local, "local");
    hops.push(explainHop("local", input, one.forwarded, local, options).hop);
  }
  const last = hops[hops.length - 1]!;
  return {
    request: { method: input.method, host: input.host, path: input.path, headers: input.headers.map(([n, v]) => [n, v]) },
    hops,
    result: {
      session: last.session,
      service: last.service,
      location: last.location,
      target_url: last.target_url,
      status: last.failure?.status ?? null,
    },
    hint: hintFor(input, options, first, hops),
  };
}

// Target selection. A session record is compiled once per version (regexes, parsed upstream
// URLs, domains sorted longest first) so a request costs a few string compares and the
// route regexes only, never a compilation. Regexes run on RE2 (core/regex.ts): linear in the
// path's length whatever the pattern, so no request can stall the host.
import { UPSTREAM_LIMITS } from "./defaults.js";
import { DESTINATION_HEADER } from "./headers.js";
import { compileRegex, type CompiledRegex } from "./regex.js";
import { hostnameOf, hostOfReference, withoutLocalhostSuffix, type RequestView } from "./request.js";
import { applyRewrites, compileRewrites, type CompiledRewrite } from "./rewrite.js";
import type { SessionRecord } from "./session.js";

/** Which host is routing: the edge worker sends `local` services through the tunnel; the local server to `local` URLs. */
export type RouterMode = "edge" | "local";


/** Where a service goes: its local copy, its remote copy, or a per-session URL override. */
export type RouteLocation = "local" | "remote" | "override";

export interface CompiledService {
  readonly name: string;
  /** The `linkup-route` response header for this service of this session, built once per compile. */
  readonly routeHeader: string;
  readonly location: RouteLocation;
  /** Upstream origin plus base path without trailing slash, e.g. `http://127.0.0.1:3000` or `https://x.io/base`; null when unreachable. */
  readonly upstream: string | null;
  readonly upstreamOrigin: string | null;
  readonly rewrites: readonly CompiledRewrite[];
  /** How long to wait for the upstream's response headers before answering 504. */
  readonly headersTimeoutMs: number;
  /** How long a request may wait for a free upstream connection (local server) before 503. */
  readonly connectionWaitMs: number;
}

export interface CompiledRoute {
  readonly regex: CompiledRegex;
  /** The path pattern as configured. */
  readonly path: string;
  readonly service: string;
}

export interface CompiledDomain {
  readonly domain: string;
  readonly suffix: string;
  readonly defaultService: string;
  readonly routes: readonly CompiledRoute[];
}

export interface CompiledSession {
  readonly record: SessionRecord;
  readonly name: string;
  readonly mode: RouterMode;
  readonly services: ReadonlyMap<string, CompiledService>;
  readonly domains: readonly CompiledDomain[];
  readonly cacheRoutes: readonly CompiledRegex[];
  /** ms since epoch when the session expires (record.expires_at), or null. */
  readonly expiresAt: number | null;
}

/** A Structured Field string (RFC 8941): quotes and backslashes escaped, anything but printable ASCII replaced. */
function sfString(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, "?").replace(/["\\]/g, (c) => "\\" + c)}"`;
}

/**
 * The ROUTE_HEADER value, `session="slim-gecko", service="web", location=local` (an RFC 8941 dictionary):
 * which session and service answered and whether from the local copy, the remote one or a URL
 * override. Never a URL: the browser's network tab is no place for internal addresses.
 */
export function routeHeaderValue(session: string, service: string, location: RouteLocation): string {
  return `session=${sfString(session)}, service=${sfString(service)}, location=${location}`;
}

function mustCompile(source: string): CompiledRegex {
  const c = compileRegex(source);
  if (!c.ok) throw new Error(`invalid regex ${JSON.stringify(source)}: ${c.message}`);
  return c.regex;
}

function baseOf(url: string): { base: string; origin: string } {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, "");
  return { base: u.origin + path, origin: u.origin };
}

export function compileSession(record: SessionRecord, mode: RouterMode): CompiledSession {
  const services = new Map<string, CompiledService>();
  for (const s of record.spec.services) {
    let location: CompiledService["location"];
    let url: string | undefined;
    if (s.route === "local") {
      location = "local";
      url = mode === "edge" ? (record.tunnel_url ?? undefined) : s.local;
    } else if (s.route === "remote") {
      location = "remote";
      url = s.remote;
    } else {
      location = "override";
      url = s.route;
    }
    const b = url ? baseOf(url) : undefined;
    services.set(s.name, {
      name: s.name,
      routeHeader: routeHeaderValue(record.name, s.name, location),
      location,
      upstream: b ? (location === "local" && mode === "edge" ? b.origin : b.base) : null,
      upstreamOrigin: b ? b.origin : null,
      rewrites: compileRewrites(s.rewrites),
      headersTimeoutMs: Math.round((s.timeouts?.headers ?? UPSTREAM_LIMITS.headersTimeoutSeconds) * 1000),
      connectionWaitMs: Math.round((s.timeouts?.connection_wait ?? UPSTREAM_LIMITS.connectionWaitSeconds) * 1000),
    });
  }
  const domains = record.spec.domains
    .map((d) => ({
      domain: d.domain.toLowerCase(),
      suffix: "." + d.domain.toLowerCase(),
      defaultService: d.default_service,
      routes: d.routes.map((r) => ({ regex: mustCompile(r.path), path: r.path, service: r.service })),
    }))
    .sort((a, b) => b.domain.length - a.domain.length);
  return {
    record,
    name: record.name,
    mode,
    services,
    domains,
    cacheRoutes: record.spec.cache_routes.map(mustCompile),
    expiresAt: record.expires_at ? Date.parse(record.expires_at) : null,
  };
}

export type TargetResult =
  | {
      kind: "routed";
      service: CompiledService;
      /** Upstream base + rewritten path (no query; the host appends it). */
      url: string;
      /** True when the edge forwards to the tunnel (local service): send the destination header. */
      viaTunnel: boolean;
      cacheable: boolean;
      /**
       * Set when the client used the no-setup alias `<session>.<domain>.localhost`: the real host
       * (`<session>.<domain>`, port kept) the app is told in X-Forwarded-Host, so apps see their
       * own domain. Redirects to it are mapped back to the alias (responseHeaderDelta).
       */
      appHost: string | null;
      /**
       * How the service was chosen, kept as references (request records and `explain` format them
       * when read): the domain matched and the route whose pattern matched (null: the domain's
       * default service); both null when the worker named the service in `linkup-destination`.
       */
      domain: CompiledDomain | null;
      route: CompiledRoute | null;
    }
  | { kind: "no-target"; reason: string }
  | { kind: "no-tunnel"; service: string };

/** Longest configured domain the host (with the session label removed) belongs to. */
function matchDomain(session: CompiledSession, host: string): CompiledDomain | undefined {
  let h = hostnameOf(host);
  const prefix = session.name + ".";
  if (h.startsWith(prefix)) h = h.slice(prefix.length);
  for (const d of session.domains) if (h === d.domain || h.endsWith(d.suffix)) return d;
  return undefined;
}

/** The domain for a host, also through its `.localhost` alias (then with the real host, port kept). */
function matchHost(session: CompiledSession, host: string): { domain: CompiledDomain; appHost: string | null } | undefined {
  const direct = matchDomain(session, host);
  if (direct) return { domain: direct, appHost: null };
  const real = withoutLocalhostSuffix(host);
  const aliased = real === undefined ? undefined : matchDomain(session, real);
  return aliased ? { domain: aliased, appHost: real! } : undefined;
}

/**
 * The domain a request is for: from the Host, else x-forwarded-host, else the Referer's host, else
 * the Origin's host (Mentimeter's order). A server-to-server call addressed to an IP or `localhost`
 * and attributed by tracestate or baggage still finds its domain from the page that caused it.
 * `appHost` is set when the Host itself was the `.localhost` alias: the real host to tell the app.
 */
function domainOf(session: CompiledSession, req: RequestView): { domain: CompiledDomain; appHost: string | null } | undefined {
  const byHost = matchHost(session, req.host);
  if (byHost) return byHost;
  const xfh = req.header("x-forwarded-host");
  if (xfh) {
    const d = matchHost(session, xfh.split(",")[0]!);
    if (d) return { domain: d.domain, appHost: null };
  }
  for (const name of ["referer", "origin"] as const) {
    const value = req.header(name);
    const host = value ? hostOfReference(value) : undefined;
    const d = host ? matchHost(session, host) : undefined;
    if (d) return { domain: d.domain, appHost: null };
  }
  return undefined;
}

export function selectTarget(session: CompiledSession, req: RequestView): TargetResult {
  const path = req.path;
  let service: CompiledService | undefined;
  let rewrite = true;
  let appHost: string | null = null;
  let domain: CompiledDomain | undefined;
  let matched: CompiledRoute | undefined;
  const destination = session.mode === "local" ? req.header(DESTINATION_HEADER) : undefined;
  if (destination !== undefined && session.services.has(destination)) {
    // The worker already picked the service and rewrote the path.
    service = session.services.get(destination);
    rewrite = false;
  } else {
    const found = domainOf(session, req);
    domain = found?.domain;
    appHost = found?.appHost ?? null;
    if (!domain)
      return {
        kind: "no-target",
        reason: `host ${hostnameOf(req.host)} is not under any domain of session ${session.name} (nor are x-forwarded-host, Referer or Origin)`,
      };
    let serviceName = domain.defaultService;
    for (const r of domain.routes)
      if (r.regex.test(path)) {
        serviceName = r.service;
        matched = r;
        break;
      }
    service = session.services.get(serviceName);
    if (!service) return { kind: "no-target", reason: `session ${session.name} has no service named ${serviceName}` };
  }
  if (!service!.upstream) {
    if (service!.location === "local" && session.mode === "edge") return { kind: "no-tunnel", service: service!.name };
    return { kind: "no-target", reason: `service ${service!.name} has no ${service!.location} URL` };
  }
  const finalPath = rewrite ? applyRewrites(path, service!.rewrites) : path;
  let cacheable = false;
  for (const r of session.cacheRoutes)
    if (r.test(path)) {
      cacheable = true;
      break;
    }
  return {
    kind: "routed",
    service: service!,
    url: service!.upstream + (finalPath.startsWith("/") ? finalPath : "/" + finalPath),
    viaTunnel: service!.location === "local" && session.mode === "edge",
    cacheable,
    appHost,
    domain: domain ?? null,
    route: matched ?? null,
  };
}

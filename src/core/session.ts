// Sessions: the spec a config declares for one session, the record the worker and the local
// server store, conversion from config, validation of API input, and the spec hash used for
// drift detection.
import type { DomainConfig, LinkupConfig, Rewrite, ServiceTimeouts, SessionDeclaration, SessionType } from "./config.js";
import { UPSTREAM_LIMITS } from "./defaults.js";
import { SESSION_TYPES } from "./config.js";
import { normaliseTtl } from "./duration.js";
import { compileRegex } from "./regex.js";
import { ownerProblem } from "./owner.js";
import { isDnsLabel } from "./session-name.js";
import { isHttpUrl } from "./url.js";

export interface SessionServiceSpec {
  name: string;
  /** `local`, `remote`, or an absolute http(s) URL. */
  route: string;
  local?: string;
  remote?: string;
  rewrites: Rewrite[];
  /** Present only when the config sets one (so specs without it keep their hash). */
  timeouts?: ServiceTimeouts;
}

export interface SessionSpec {
  type: SessionType;
  services: SessionServiceSpec[];
  domains: DomainConfig[];
  cache_routes: string[];
  /**
   * How long the session lives after each write, canonical (`72h`, `1w`) or `none`. Absent: the
   * type's default (previews 7 days, the others never). Only present when declared.
   */
  ttl?: string;
}

export interface SessionRecord {
  name: string;
  spec: SessionSpec;
  /** Monotonic; starts at 1 and grows by one on every write. Sent as the ETag. */
  version: number;
  spec_hash: string;
  /** Identity of the config that manages this session (`apply --prune` only deletes its own). */
  managed_by: string | null;
  /**
   * The person a personal session belongs to (see owner.ts); null or absent for shared sessions.
   * Records written before owners existed have no such field.
   */
  owner?: string | null;
  /** Where `local` services are reached from the worker (server-managed; set by `start`). */
  tunnel_url: string | null;
  created_at: string;
  updated_at: string;
  /**
   * When the session expires (ISO, server clock): the last write plus the spec's ttl. null or
   * absent (records written before ttl existed): never. Server-managed.
   */
  expires_at?: string | null;
}

export interface PutSessionBody {
  spec: SessionSpec;
  managed_by?: string | null;
  /** Set on personal sessions only. */
  owner?: string | null;
}

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** The spec a config declares for one session. Services are sorted by name so specs compare stably. */
export function specFromConfig(config: LinkupConfig, decl: SessionDeclaration): SessionSpec {
  const services = [...config.services]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => ({
      name: s.name,
      route: decl.routes[s.name] ?? "remote",
      ...(s.local !== undefined ? { local: s.local } : {}),
      ...(s.remote !== undefined ? { remote: s.remote } : {}),
      rewrites: s.rewrites.map((r) => ({ source: r.source, target: r.target })),
      ...(s.timeouts ? { timeouts: { ...s.timeouts } } : {}),
    }));
  return {
    type: decl.type,
    services,
    domains: config.domains.map((d) => ({
      domain: d.domain,
      default_service: d.default_service,
      routes: d.routes.map((r) => ({ path: r.path, service: r.service })),
    })),
    cache_routes: [...config.linkup.cache_routes],
    ...(decl.ttl !== undefined ? { ttl: decl.ttl } : {}),
  };
}

/** Problems with a spec received over an API (shape, names, URLs, regexes, references). */
export function validateSpec(input: unknown): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  if (!isObject(input)) return [{ path: [], message: "spec must be an object" }];
  if (!SESSION_TYPES.includes(input.type as SessionType)) add(["type"], "type must be tunneled, isolated or preview");
  const names = new Set<string>();
  if (!Array.isArray(input.services) || input.services.length === 0) add(["services"], "services must be a non-empty list");
  else
    input.services.forEach((s: unknown, i: number) => {
      if (!isObject(s) || typeof s.name !== "string" || s.name === "") return add(["services", i], "service needs a name");
      if (names.has(s.name)) add(["services", i, "name"], `duplicate service "${s.name}"`);
      names.add(s.name);
      for (const key of ["local", "remote"] as const)
        if (s[key] !== undefined && (typeof s[key] !== "string" || !isHttpUrl(s[key] as string)))
          add(["services", i, key], `${key} URL of "${s.name}" must be an absolute http(s) URL`);
      if (typeof s.route !== "string") add(["services", i, "route"], `route of "${s.name}" is missing`);
      else if (s.route === "local") {
        if (input.type === "preview") add(["services", i, "route"], `preview sessions cannot route "${s.name}" to local`);
        else if (s.local === undefined) add(["services", i, "route"], `"${s.name}" is routed local but has no local URL`);
      } else if (s.route === "remote") {
        if (s.remote === undefined) add(["services", i, "route"], `"${s.name}" is routed remote but has no remote URL`);
      } else if (!isHttpUrl(s.route)) add(["services", i, "route"], `route of "${s.name}" must be local, remote or an http(s) URL`);
      if (s.timeouts !== undefined) {
        if (!isObject(s.timeouts)) add(["services", i, "timeouts"], "timeouts must be an object");
        else
          for (const [key, value] of Object.entries(s.timeouts)) {
            if (key !== "headers" && key !== "connection_wait") add(["services", i, "timeouts", key], `unknown timeout "${key}"`);
            else if (typeof value !== "number" || !(value > 0) || value > UPSTREAM_LIMITS.maxTimeoutSeconds)
              add(["services", i, "timeouts", key], `timeout must be a number of seconds above 0 and at most ${UPSTREAM_LIMITS.maxTimeoutSeconds}`);
          }
      }
      if (s.rewrites !== undefined && !Array.isArray(s.rewrites)) add(["services", i, "rewrites"], "rewrites must be a list");
      (Array.isArray(s.rewrites) ? s.rewrites : []).forEach((r: unknown, j: number) => {
        if (!isObject(r) || typeof r.source !== "string" || typeof r.target !== "string")
          return add(["services", i, "rewrites", j], "rewrite needs source and target strings");
        const c = compileRegex(r.source);
        if (!c.ok) add(["services", i, "rewrites", j, "source"], `invalid regex: ${c.message}`);
      });
    });
  if (!Array.isArray(input.domains) || input.domains.length === 0) add(["domains"], "domains must be a non-empty list");
  else
    input.domains.forEach((d: unknown, i: number) => {
      if (!isObject(d) || typeof d.domain !== "string" || typeof d.default_service !== "string")
        return add(["domains", i], "domain needs domain and default_service");
      if (!names.has(d.default_service)) add(["domains", i, "default_service"], `unknown service "${d.default_service}"`);
      if (d.routes !== undefined && !Array.isArray(d.routes)) return add(["domains", i, "routes"], "routes must be a list");
      (Array.isArray(d.routes) ? d.routes : []).forEach((r: unknown, j: number) => {
        if (!isObject(r) || typeof r.path !== "string" || typeof r.service !== "string")
          return add(["domains", i, "routes", j], "route needs path and service");
        const c = compileRegex(r.path);
        if (!c.ok) add(["domains", i, "routes", j, "path"], `invalid regex: ${c.message}`);
        if (!names.has(r.service)) add(["domains", i, "routes", j, "service"], `unknown service "${r.service}"`);
      });
    });
  if (input.cache_routes !== undefined && !Array.isArray(input.cache_routes)) add(["cache_routes"], "cache_routes must be a list");
  (Array.isArray(input.cache_routes) ? input.cache_routes : []).forEach((p: unknown, i: number) => {
    const c = typeof p === "string" ? compileRegex(p) : { ok: false as const, message: "not a string" };
    if (!c.ok) add(["cache_routes", i], `invalid regex: ${c.message}`);
  });
  if (input.ttl !== undefined && input.ttl !== null) {
    const t = typeof input.ttl === "string" ? normaliseTtl(input.ttl) : { ok: false as const, message: "ttl must be a string such as 72h" };
    if (!t.ok) add(["ttl"], t.message);
  }
  return problems;
}

/** Validates a PUT body; on success returns the body with defaults filled in. */
export function parsePutBody(
  name: string,
  input: unknown,
): { ok: true; body: PutSessionBody } | { ok: false; message: string } {
  if (!isDnsLabel(name))
    return { ok: false, message: `invalid session name "${name}": use a DNS label (a-z, 0-9, '-', at most 63 characters)` };
  if (!isObject(input)) return { ok: false, message: "body must be a JSON object with a spec" };
  const problems = validateSpec(input.spec);
  if (problems.length > 0)
    return { ok: false, message: problems.map((p) => `spec.${p.path.join(".")}: ${p.message}`.replace(/\.:/, ":")).join("; ") };
  if (input.managed_by !== undefined && input.managed_by !== null && typeof input.managed_by !== "string")
    return { ok: false, message: "managed_by must be a string" };
  if (input.owner !== undefined && input.owner !== null) {
    if (typeof input.owner !== "string") return { ok: false, message: "owner must be a string" };
    const problem = ownerProblem(input.owner);
    if (problem) return { ok: false, message: problem };
  }
  const spec = input.spec as SessionSpec;
  return {
    ok: true,
    body: {
      spec: {
        type: spec.type,
        services: spec.services.map((s) => ({ ...s, rewrites: s.rewrites ?? [] })),
        domains: spec.domains.map((d) => ({ ...d, routes: d.routes ?? [] })),
        cache_routes: spec.cache_routes ?? [],
        ...(typeof spec.ttl === "string" ? { ttl: (normaliseTtl(spec.ttl) as { ttl: string }).ttl } : {}),
      },
      managed_by: (input.managed_by as string | null | undefined) ?? null,
      owner: (input.owner as string | null | undefined) ?? null,
    },
  };
}

/** JSON with object keys sorted, so equal specs serialise identically. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON, hex. Web Crypto: the same in Node and workerd. */
async function sha256Hex(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 (hex, first 16 chars) of the canonical spec. */
export async function specHash(spec: SessionSpec): Promise<string> {
  return (await sha256Hex(spec)).slice(0, 16);
}

/**
 * The name of a preview created without one: `preview-` and 10 hex digits of a hash of what it
 * routes (services with their routes and URLs, domains, cache routes), so running the same job
 * again gives the same name and URL. The ttl and the type do not count: they change how long and
 * where, not what is served.
 */
export async function previewName(spec: SessionSpec): Promise<string> {
  const { ttl: _ttl, type: _type, ...content } = spec;
  const services = [...content.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `preview-${(await sha256Hex({ ...content, services })).slice(0, 10)}`;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Mentimeter's Linkup session requests, so CLIs of that project can keep using a worker of this one
// while a team moves over (docs/migrating.md). Pure: parses its wire shapes, applies its version
// rule, and maps its sessions onto this project's SessionSpec; src/worker/legacy-api.ts serves it.
//
// Ownership: Mentimeter's sessions carry a `session_token`; whoever sends the same token may
// replace the session. Here a session's `managed_by` records its owner, so a legacy session is
// owned by `legacy-token:<SHA-256 of the token>` (the token itself is never stored). Sessions
// written by this project's CLI have another owner, so an old CLI can never replace them.
import { canonicalJson, validateSpec, type SessionServiceSpec, type SessionSpec } from "./session.js";
import type { SessionType } from "./config.js";

/** The oldest Mentimeter CLI its worker accepts on `POST /linkup/local-session`. */
export const LEGACY_MIN_CLI_VERSION = "2.1.0";
/** The token Mentimeter gives sessions created without one (previews). */
export const LEGACY_PREVIEW_TOKEN = "preview_session";
/** Mentimeter's worker keeps a session 7 days after its last write; so do these. */
export const LEGACY_TTL = "1w";
/** Where a Mentimeter CLI's local server listens; its tunnels must deliver there. */
export const LEGACY_TUNNEL_INGRESS = "http://localhost:80";

export interface LegacyService {
  name: string;
  location: string;
  rewrites: { source: string; target: string }[] | null;
}

export interface LegacyDomain {
  domain: string;
  default_service: string;
  routes: { path: string; service: string }[] | null;
}

/** Mentimeter's UpsertSessionRequest after parsing: Named (desired_name + token) or Unnamed. */
export interface LegacyUpsert {
  /** Undefined for the Unnamed form. */
  desiredName?: string;
  nameKind: "animal" | "six_char";
  /** The Unnamed form without a token gets Mentimeter's preview token. */
  sessionToken: string;
  services: LegacyService[];
  domains: LegacyDomain[];
  cacheRoutes: string[];
}

export type LegacyParse = { ok: true; request: LegacyUpsert } | { ok: false; message: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nullableList<T>(v: unknown, item: (x: unknown) => T | undefined): T[] | null | undefined {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const x of v) {
    const parsed = item(x);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

function pairOf<A extends string, B extends string>(a: A, b: B) {
  return (x: unknown): Record<A | B, string> | undefined =>
    isObject(x) && typeof x[a] === "string" && typeof x[b] === "string" ? ({ [a]: x[a], [b]: x[b] } as Record<A | B, string>) : undefined;
}

/**
 * Mentimeter's untagged request: the Named form is tried first (desired_name and a string
 * session_token); anything else must be the Unnamed form. A body that fits neither is refused
 * (Mentimeter answers 422, like serde's shape errors).
 */
export function parseLegacyUpsert(input: unknown): LegacyParse {
  if (!isObject(input)) return { ok: false, message: "the body must be a JSON object (Mentimeter's UpsertSessionRequest)" };
  const services = nullableList(input.services, (x) => {
    if (!isObject(x) || typeof x.name !== "string" || typeof x.location !== "string") return undefined;
    const rewrites = nullableList(x.rewrites, pairOf("source", "target"));
    return rewrites === undefined ? undefined : { name: x.name, location: x.location, rewrites };
  });
  if (!services) return { ok: false, message: "services must be a list of {name, location, rewrites}" };
  const domains = nullableList(input.domains, (x) => {
    if (!isObject(x) || typeof x.domain !== "string" || typeof x.default_service !== "string") return undefined;
    const routes = nullableList(x.routes, pairOf("path", "service"));
    return routes === undefined ? undefined : { domain: x.domain, default_service: x.default_service, routes };
  });
  if (!domains) return { ok: false, message: "domains must be a list of {domain, default_service, routes}" };
  const cacheRoutes = nullableList(input.cache_routes, (x) => (typeof x === "string" ? x : undefined));
  if (cacheRoutes === undefined) return { ok: false, message: "cache_routes must be a list of strings or null" };
  const common = { services, domains, cacheRoutes: cacheRoutes ?? [] };

  if (typeof input.desired_name === "string" && typeof input.session_token === "string")
    return { ok: true, request: { desiredName: input.desired_name, nameKind: "animal", sessionToken: input.session_token, ...common } };

  const kind = input.name_kind ?? "six_char";
  if (kind !== "animal" && kind !== "six_char") return { ok: false, message: 'name_kind must be "animal" or "six_char"' };
  if (input.session_token !== undefined && input.session_token !== null && typeof input.session_token !== "string")
    return { ok: false, message: "session_token must be a string or null" };
  return { ok: true, request: { nameKind: kind, sessionToken: (input.session_token as string | null | undefined) ?? LEGACY_PREVIEW_TOKEN, ...common } };
}

/** Why Mentimeter's worker would refuse this `x-linkup-version`, or undefined when it passes. */
export function legacyVersionProblem(header: string | undefined, minimum = LEGACY_MIN_CLI_VERSION): string | undefined {
  if (header === undefined || header === "") return "No x-linkup-version header: your Linkup CLI is too old for this worker. Upgrade it.";
  const parsed = parseLegacyVersion(header);
  if (!parsed) return `Invalid x-linkup-version header "${header.slice(0, 40)}".`;
  // Pre-release (beta) builds always pass, as in Mentimeter's worker.
  if (parsed.pre !== undefined) return undefined;
  const min = parseLegacyVersion(minimum)!;
  for (const k of ["major", "minor", "patch"] as const) {
    if (parsed[k] > min[k]) return undefined;
    if (parsed[k] < min[k]) return `Your Linkup CLI ${header} is outdated: this worker needs ${minimum} or newer. Upgrade it.`;
  }
  return undefined;
}

/** `MAJOR.MINOR.PATCH[-PRE]` with 16-bit numeric parts, as Mentimeter parses versions. */
function parseLegacyVersion(v: string): { major: number; minor: number; patch: number; pre?: string } | undefined {
  const dash = v.indexOf("-");
  const core = dash === -1 ? v : v.slice(0, dash);
  const parts = core.split(".");
  if (parts.length !== 3 || !parts.every((p) => /^\d{1,5}$/.test(p) && Number(p) <= 65535)) return undefined;
  const [major, minor, patch] = parts.map(Number) as [number, number, number];
  return dash === -1 ? { major, minor, patch } : { major, minor, patch, pre: v.slice(dash + 1) };
}

/** The loopback hosts Mentimeter's CLI uses for services on the developer's machine. */
export function isLoopbackLocation(location: string): boolean {
  let host: string;
  try {
    host = new URL(location).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export type LegacySpec = { ok: true; spec: SessionSpec } | { ok: false; message: string };

/**
 * This project's spec for a Mentimeter session. Every service becomes a `remote` route to its
 * location, except, with `localThroughTunnel`, services on a loopback host: those become `local`
 * routes that the worker sends through the session's tunnel (Mentimeter swaps their location for
 * the tunnel URL instead). Mentimeter's rules are then checked by this project's validation.
 */
export function legacySpec(req: LegacyUpsert, type: SessionType, options: { localThroughTunnel: boolean }): LegacySpec {
  const services: SessionServiceSpec[] = req.services.map((s) => {
    const rewrites = (s.rewrites ?? []).map((r) => ({ source: r.source, target: r.target }));
    return options.localThroughTunnel && isLoopbackLocation(s.location)
      ? { name: s.name, route: "local", local: s.location, rewrites }
      : { name: s.name, route: "remote", remote: s.location, rewrites };
  });
  const spec: SessionSpec = {
    type,
    ttl: LEGACY_TTL,
    services,
    domains: req.domains.map((d) => ({
      domain: d.domain,
      default_service: d.default_service,
      routes: (d.routes ?? []).map((r) => ({ path: r.path, service: r.service })),
    })),
    cache_routes: [...req.cacheRoutes],
  };
  const problems = validateSpec(spec);
  if (problems.length > 0) return { ok: false, message: problems.map((p) => `${p.path.join(".") || "session"}: ${p.message}`).join("; ") };
  return { ok: true, spec };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `managed_by` of sessions a Mentimeter CLI writes with this token. */
export async function legacyOwner(sessionToken: string): Promise<string> {
  return `legacy-token:${(await sha256Hex(sessionToken)).slice(0, 32)}`;
}

/**
 * Mentimeter's deterministic six-character name: the same request (services in any order) gives
 * the same name, so re-creating a preview finds it again. Six lowercase hex characters, a DNS label.
 */
export async function legacySixCharName(req: LegacyUpsert, type: SessionType): Promise<string> {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const canonical = canonicalJson({
    type,
    token: req.sessionToken,
    services: [...req.services].sort(byName),
    domains: [...req.domains].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0)),
    cache_routes: [...req.cacheRoutes].sort(),
  });
  return (await sha256Hex(canonical)).slice(0, 6);
}

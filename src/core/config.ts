// The config model: TypeScript types derived from the schema constant, plus the normalised
// form every other module uses (nulls folded to empty lists, defaults filled in).
import type { FromSchema } from "json-schema-to-ts";
import type { configSchema } from "./config-schema.js";
import { normaliseTtl } from "./duration.js";

/** linkup.yaml exactly as written (after interpolation), typed from the schema. */
export type RawConfig = FromSchema<typeof configSchema>;

export type SessionType = "tunneled" | "isolated" | "preview";
export const SESSION_TYPES: readonly SessionType[] = ["tunneled", "isolated", "preview"];

/** `local`, `remote`, or an absolute http(s) URL overriding the service's location. */
export type RouteTarget = string;

export interface Rewrite {
  source: string;
  target: string;
}

/** `services[].timeouts`, in seconds; absent keys take the defaults (core/defaults.ts UPSTREAM_LIMITS). */
export interface ServiceTimeouts {
  headers?: number;
  connection_wait?: number;
}

export interface ServiceConfig {
  name: string;
  local?: string;
  remote?: string;
  directory?: string;
  rewrites: Rewrite[];
  timeouts?: ServiceTimeouts;
  health?: { path?: string; statuses: number[] };
}

export interface PathRoute {
  path: string;
  service: string;
}

export interface DomainConfig {
  domain: string;
  default_service: string;
  routes: PathRoute[];
}

export interface SessionDeclaration {
  /** Absent for the developer's personal session (name generated once, kept in the state directory). */
  name?: string;
  type: SessionType;
  routes: Record<string, RouteTarget>;
  /**
   * One person's session, set by the loader: the unnamed session and every session declared in
   * linkup.local.yaml. Its spec uses that person's service overrides and its record carries their
   * owner id. Shared sessions (absent) are computed from the team files alone.
   */
  personal?: boolean;
  /** Canonical ttl (`72h`, `1w`, `none`) when the session declares one; see duration.ts. */
  ttl?: string;
}

export interface LinkupConfig {
  linkup: {
    worker_url?: string;
    worker_token?: string;
    cache_routes: string[];
    config_id?: string;
  };
  services: ServiceConfig[];
  domains: DomainConfig[];
  sessions: SessionDeclaration[];
}

/** Fold the schema's optional/nullable shapes into the normalised model. Assumes schema-valid input. */
export function normaliseConfig(raw: RawConfig): LinkupConfig {
  const l = raw.linkup ?? {};
  return {
    linkup: {
      ...(l.worker_url ? { worker_url: l.worker_url } : {}),
      ...(l.worker_token ? { worker_token: l.worker_token } : {}),
      cache_routes: [...(l.cache_routes ?? [])],
      ...(l.config_id ? { config_id: l.config_id } : {}),
    },
    services: raw.services.map((s) => ({
      name: s.name,
      ...(s.local !== undefined ? { local: s.local } : {}),
      ...(s.remote !== undefined ? { remote: s.remote } : {}),
      ...(s.directory ? { directory: s.directory } : {}),
      rewrites: (s.rewrites ?? []).map((r) => ({ source: r.source, target: r.target })),
      ...(s.timeouts && (s.timeouts.headers !== undefined || s.timeouts.connection_wait !== undefined)
        ? {
            timeouts: {
              ...(s.timeouts.headers !== undefined ? { headers: s.timeouts.headers } : {}),
              ...(s.timeouts.connection_wait !== undefined ? { connection_wait: s.timeouts.connection_wait } : {}),
            },
          }
        : {}),
      ...(s.health
        ? {
            health: {
              ...(s.health.path ? { path: s.health.path } : {}),
              statuses: [...(s.health.statuses ?? [])],
            },
          }
        : {}),
    })),
    domains: raw.domains.map((d) => ({
      domain: d.domain,
      default_service: d.default_service,
      routes: (d.routes ?? []).map((r) => ({ path: r.path, service: r.service })),
    })),
    sessions: (raw.sessions ?? []).map((s) => ({
      ...(s.name !== undefined ? { name: s.name } : {}),
      type: (s.type ?? "tunneled") as SessionType,
      routes: { ...(s.routes ?? {}) },
      ...(typeof s.ttl === "string" ? { ttl: canonicalTtl(s.ttl) } : {}),
    })),
  };
}

/** The canonical form of a valid ttl; an invalid one is kept as written for validateConfig to report. */
function canonicalTtl(ttl: string): string {
  const t = normaliseTtl(ttl);
  return t.ok ? t.ttl : ttl;
}

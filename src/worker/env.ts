// The worker's environment: KV bindings and vars from wrangler.toml (or the embedded host's
// Miniflare options). Secrets such as WORKER_TOKEN arrive the same way (`wrangler secret put`).
import type { RateLimitBinding } from "./name-probes.js";
import type { TunnelEnv } from "./tunnels/from-env.js";

export interface Env extends TunnelEnv {
  /** Session records (src/store/kv-store.ts layout). */
  LINKUP_SESSIONS: KVNamespace;
  /** Tunnel records, key = session name (src/worker/tunnels/tunnel-store.ts). */
  LINKUP_TUNNELS: KVNamespace;
  /** Shared secret the CLI sends as `Authorization: Bearer <token>`. Without it the API refuses everything. */
  WORKER_TOKEN?: string;
  /** Cloudflare Access (docs/security.md): both set, or neither. Written by `linkup infra deploy` from linkup.yaml's access block. */
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  /** Tests only: a loopback URL serving a stand-in JWKS (core accessSettingsOf refuses anything else). */
  ACCESS_CERTS_URL?: string;
  /** "1" for the embedded default: the worker listens on 127.0.0.1, where no Access can sit in front of it. */
  LINKUP_LOOPBACK_ONLY?: string;
  /** Workers rate-limiting binding counting requests for sessions that do not exist, per client address. */
  NAME_PROBE_LIMITER?: RateLimitBinding;
  /** Without the binding: misses allowed per client and minute in the isolate's own counter (default 30). */
  NAME_PROBE_LIMIT?: string;
  /** Set by the embedded host only: the state directory's id and the local admin port, for /linkup/check. */
  LINKUP_STATE_ID?: string;
  LINKUP_ADMIN_PORT?: string;
  /** `off`: no request log line per routed request (docs/inspector.md); anything else or unset: on. */
  REQUEST_LOG?: string;
}

/** The hono type parameter for this app. */
export interface AppEnv {
  Bindings: Env;
}

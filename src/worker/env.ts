// The worker's environment: KV bindings and vars from wrangler.toml (or the embedded host's
// Miniflare options). Secrets such as WORKER_TOKEN arrive the same way (`wrangler secret put`).
import type { TunnelEnv } from "./tunnels/from-env.js";

export interface Env extends TunnelEnv {
  /** Session records (src/store/kv-store.ts layout). */
  LINKUP_SESSIONS: KVNamespace;
  /** Tunnel records, key = session name (src/worker/tunnels/tunnel-store.ts). */
  LINKUP_TUNNELS: KVNamespace;
  /** Shared secret the CLI sends as `Authorization: Bearer <token>`. Without it the API refuses everything. */
  WORKER_TOKEN?: string;
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

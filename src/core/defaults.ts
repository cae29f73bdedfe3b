// Default ports and state-file names, shared by the CLI, the local server and the worker so the
// halves that must meet (the CLI finding the admin API, the embedded worker finding the proxy)
// read one definition.

export const DEFAULT_PORTS = {
  /** The embedded worker (Miniflare), like `wrangler dev`. */
  worker: 8787,
  /** The local server's HTTP proxy: where the tunnel (or the embedded worker) delivers. */
  proxy: 8790,
  /** The local admin API (loopback only). */
  admin: 8791,
  /** The local HTTPS listener (with local DNS installed). */
  https: 8443,
  /** The local DNS server (with local DNS installed). */
  dns: 8053,
} as const;

/**
 * Upstream limits, per service unless noted (docs/reliability.md). Seconds, as in linkup.yaml's
 * `services[].timeouts`.
 */
export const UPSTREAM_LIMITS = {
  /** Wait for an upstream's response headers; long, so long polls and paused debuggers work. */
  headersTimeoutSeconds: 300,
  /** Wait for a free connection to an upstream origin (local server) before answering 503. */
  connectionWaitSeconds: 5,
  /** Largest value either timeout accepts (a day). */
  maxTimeoutSeconds: 86_400,
  /** Connections the local server opens to one upstream origin at most. */
  connectionsPerOrigin: 256,
} as const;

/** Files in the state directory (~/.linkup or $LINKUP_HOME). */
export const STATE_FILES = {
  /** Token of the local admin API (mode 0600). */
  adminToken: "admin-token",
  /** Token of the embedded worker's API (mode 0600). */
  workerToken: "worker-token",
  /** The workerd hosting the embedded worker: pid, `workerd`, the local server's pid. */
  embeddedWorkerPid: "embedded-worker.pid",
  /** The cloudflared the local server supervises: its pid. */
  cloudflaredPid: "cloudflared.pid",
} as const;

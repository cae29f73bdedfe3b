// Default ports and state-file names, shared by the CLI, the local server and the worker so the
// halves that must meet (the CLI finding the admin API, the embedded worker finding the proxy)
// read one definition.

export const DEFAULT_PORTS = {
  /** The embedded worker (Miniflare), like `wrangler dev`. */
  worker: 8787,
  /** The local server's HTTP proxy, for browsers on this machine. */
  proxy: 8790,
  /** The local admin API (loopback only). */
  admin: 8791,
  /** The local server's tunnel listener: where cloudflared's ingress delivers (signed requests only). */
  tunnel: 8792,
  /** The local HTTPS listener (with local DNS installed). */
  https: 8443,
  /** The local DNS server (with local DNS installed). */
  dns: 8053,
} as const;

/** Files in the state directory (~/.linkup or $LINKUP_HOME). */
export const STATE_FILES = {
  /** Token of the local admin API (mode 0600). */
  adminToken: "admin-token",
  /** Token of the embedded worker's API (mode 0600). */
  workerToken: "worker-token",
} as const;

// Default ports and every file name in the state directory, shared by the CLI, the local server
// and the worker so the halves that must meet (the CLI finding the admin API, `linkup stop`
// finding cloudflared's pid file, the local server finding the local-DNS record) read one
// definition. The environment variables that override the ports are parsed in settings.ts.

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

/** local-server.log is rotated (one older generation kept) beyond this size; LINKUP_LOG_MAX_BYTES changes it. */
export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;

/** How long `apply`/`start` wait for cloudflared to connect and the tunnel hostname to resolve. */
export const DEFAULT_TUNNEL_TIMEOUT_MS = 60_000;

/** Files and directories in the state directory (~/.linkup or $LINKUP_HOME). */
export const STATE_FILES = {
  /** Token of the local admin API (mode 0600), created by the local server. */
  adminToken: "admin-token",
  /** Token of the embedded worker's API (mode 0600), created by the CLI. */
  workerToken: "worker-token",
  /** The local server's sessions (the file store). */
  sessions: "sessions.json",
  /** The personal session's name per config identity. */
  personalSession: "personal-session.json",
  /** This person's owner id, recorded on their personal sessions (machine/owner.ts). */
  ownerId: "owner-id",
  /** What `linkup local-dns install` did; its presence turns the local server's HTTPS and DNS on. */
  localDnsRecord: "local-dns.json",
  /** Directory: one Cloudflare tunnel run token per session (mode 0600). */
  tunnelTokens: "tunnel-tokens",
  /** Directory: the local CA (certificate and key). */
  ca: "ca",
  /** Directory: the embedded worker's KV data (Miniflare persistence). */
  workerKv: "worker-kv",
  /** The local-server daemon's file stem: `local-server.pid`, `.log`, `.lock`. */
  localServer: "local-server",
  /** The supervised cloudflared's file stem: `cloudflared.pid`. */
  cloudflared: "cloudflared",
  /** cloudflared's stderr, appended across restarts. */
  cloudflaredLog: "cloudflared-stderr",
  /** The workerd hosting the embedded worker: `embedded-worker.pid` holds its pid, `workerd`, and the local server's pid. */
  embeddedWorker: "embedded-worker",
} as const;

/**
 * How long a worker isolate keeps a session it read (src/worker/session-cache.ts). A write is seen
 * at once by the isolate that took it, by the others within this time: `create-preview --wait`
 * waits it out.
 */
export const WORKER_SESSION_CACHE_MS = 5000;

/** Background processes keep `<stem>.pid` (`linkup health` lists every such file). */
export const PID_SUFFIX = ".pid";
export const LOG_SUFFIX = ".log";
export const LOCK_SUFFIX = ".lock";

// Deployment facts shared by everything that runs or deploys the worker: the embedded host
// (Miniflare, src/daemon/embedded-worker), `linkup infra deploy` (src/infra), the worker's tunnel
// providers, and wrangler.toml (a test checks they agree). Constants only, so every side may import it.

/** compatibility_date of the worker, also in wrangler.toml. */
export const WORKER_COMPATIBILITY_DATE = "2026-04-01";
/** Hourly: the scheduled handler removes tunnels not started for 7 days. Also in wrangler.toml. */
export const WORKER_CRON = "0 * * * *";
/**
 * Name prefix of the Cloudflare tunnel (and its DNS record in the tunnel zone) the worker makes per
 * session; infra recognises the worker's tunnels by it and keeps them out of the cache.
 */
export const TUNNEL_NAME_PREFIX = "linkup-tunnel-";

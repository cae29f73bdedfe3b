// Deployment facts shared by everything that runs or deploys the worker: the embedded host
// (Miniflare), `linkup infra deploy`, and wrangler.toml (a test checks they agree).

/** compatibility_date of the worker, also in wrangler.toml. */
export const WORKER_COMPATIBILITY_DATE = "2026-04-01";
/** Hourly: the scheduled handler removes tunnels not started for 7 days. Also in wrangler.toml. */
export const WORKER_CRON = "0 * * * *";

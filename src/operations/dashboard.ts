// `linkup dashboard`: a one-time login link for the dashboard the local server serves. The admin
// token stays in this process: it asks the admin API for a code (POST /linkup/v1/dashboard/code)
// and hands the browser only `http://127.0.0.1:<admin port>/dashboard/login?code=...`, spent on
// first use. With the code goes what the dashboard cannot know by itself: the worker (URL and
// token) to read and switch sessions on, the services' health checks, the personal session.
import { adminClient } from "../clients/admin-client.js";
import { isReachable } from "../clients/reachable.js";
import { LinkupError } from "../core/errors.js";
import type { DashboardContext } from "../core/local-api.js";
import { adminUrl, embeddedWorkerUrl, type LinkupSettings } from "../core/settings.js";
import { rememberedPersonalName } from "../machine/personal-session.js";
import { readWorkerToken } from "../machine/worker-token.js";
import type { ReconcileContext } from "../reconcile/context.js";

export interface DashboardLink {
  url: string;
  /** Seconds the link stays valid (it works once). */
  expires_in: number;
}

/** What the dashboard gets from the config; without one, the embedded worker (when this machine has its token). */
export function dashboardContext(settings: LinkupSettings, stateDir: string, ctx: ReconcileContext | undefined): DashboardContext {
  if (!ctx) {
    const token = readWorkerToken(stateDir) ?? null;
    return {
      worker: token ? { url: embeddedWorkerUrl(settings.ports.worker), token, embedded: true } : null,
      health: {},
      personal: null,
      config_file: null,
    };
  }
  const config = ctx.loaded.config;
  const health: DashboardContext["health"] = {};
  for (const s of config.services) if (s.health) health[s.name] = { path: s.health.path ?? "/", statuses: [...s.health.statuses] };
  const token = ctx.embeddedWorker ? (readWorkerToken(stateDir) ?? null) : (config.linkup.worker_token ?? null);
  return {
    worker: { url: ctx.urls.worker, token, embedded: ctx.embeddedWorker },
    health,
    personal: rememberedPersonalName(stateDir, ctx.personalKey) ?? null,
    config_file: ctx.loaded.file,
  };
}

export async function dashboardLink(settings: LinkupSettings, stateDir: string, ctx: ReconcileContext | undefined): Promise<DashboardLink> {
  const admin = adminUrl(settings.ports.admin);
  if (!(await isReachable(admin, 2_000)))
    throw new LinkupError("local-server-down", `the local server does not answer at ${admin}: the dashboard is served by it`, {
      hint: "run `linkup start` (or `linkup apply`) first",
    });
  const client = adminClient({ stateDir, adminPort: settings.ports.admin });
  const code = await client.dashboardCode(dashboardContext(settings, stateDir, ctx));
  return { url: `${admin}${code.path}`, expires_in: code.expires_in };
}

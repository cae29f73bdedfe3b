// `linkup infra deploy`: make the account match the desired Linkup deployment (worker, KV,
// routes, DNS, cache rule, worker API token). Plan, print, and unless --dry-run apply; a second
// run finds nothing to change. The WORKER_TOKEN secret is created once and kept afterwards.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareInfraClient } from "./cloudflare-client.js";
import { applyInfra } from "./apply.js";
import { actualResources, checkInfraOptions, desiredResources, DEFAULT_API_BASE, loadInfraContext, workersDevHost, type InfraOptions } from "./infra-model.js";
import { formatPlan, planInfra, type InfraAction } from "./plan.js";
import { accessSetupLines } from "./access-setup.js";
import { bundleWithWrangler, type WorkerBundle } from "./worker-bundle.js";

export interface InfraDeployOptions extends InfraOptions {
  /** Produces the worker bundle; default: `wrangler deploy --dry-run` on the package's wrangler.toml. */
  bundle?: () => Promise<WorkerBundle>;
}

export interface InfraDeployResult {
  actions: InfraAction[];
  applied: boolean;
  workerUrl: string;
  /** Only when this deploy created it; never retrievable later. */
  workerToken?: string;
}

const packageRoot = () => join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function infraDeploy(opts: InfraDeployOptions): Promise<InfraDeployResult> {
  checkInfraOptions(opts);
  const say = (line: string) => opts.out.write(`${line}\n`);
  const client = cloudflareInfraClient({ apiBase: opts.apiBase ?? DEFAULT_API_BASE, apiToken: opts.apiToken, accountId: opts.accountId, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ctx = await loadInfraContext(client, opts);
  const bundle = await (opts.bundle ?? (() => bundleWithWrangler({ cwd: packageRoot() })))();
  const actual = await actualResources(client, ctx, false);
  const actions = planInfra(desiredResources(ctx, bundle), actual);
  const workerUrl = `https://${workersDevHost(ctx)}`;

  say(`Linkup deployment ${ctx.names.script} on account ${ctx.accountId}; zones: ${ctx.zones.map((z, i) => (i === 0 ? `${z.name} (tunnel zone)` : z.name)).join(", ")}`);
  for (const line of formatPlan(actions)) say(line);
  if (ctx.access)
    for (const line of accessSetupLines({
      access: ctx.access,
      sessionDomains: opts.sessionDomains ?? [],
      publicSessions: opts.publicSessions ?? [],
      tunnelZone: ctx.zones[0]!.name,
      workerHost: workersDevHost(ctx),
    }))
      say(line);
  const pending = actions.filter((a) => a.op !== "unchanged");
  if (opts.dryRun) {
    say("Dry run: nothing was changed.");
    return { actions, applied: false, workerUrl };
  }
  if (pending.length === 0) {
    say(`Nothing to do; the worker is at ${workerUrl}.`);
    return { actions, applied: true, workerUrl };
  }
  if (opts.confirm && !(await opts.confirm())) {
    say("Cancelled: nothing was changed.");
    return { actions, applied: false, workerUrl };
  }
  const result = await applyInfra(client, ctx, actions, actual, bundle, (a) => say(`  done: ${a.op} ${a.kind} ${a.key}`));
  say(`Deployed ${ctx.names.script}: ${workerUrl} (and routes on ${ctx.zones.map((z) => z.name).join(", ")}).`);
  if (result.workerToken) {
    say(`New worker token (shown only now; put it in your linkup config as the worker token): ${result.workerToken}`);
  } else {
    say("Worker token unchanged (kept from the previous deploy).");
  }
  return { actions, applied: true, workerUrl, ...(result.workerToken ? { workerToken: result.workerToken } : {}) };
}

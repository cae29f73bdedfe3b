// `linkup infra deploy`: make the account match the desired Linkup deployment (worker, KV,
// routes, DNS, cache rule, worker API token). Plan, report the plan, and unless dry-run (or the
// user declines) apply; a second run finds nothing to change. The WORKER_TOKEN secret is created
// once and kept afterwards. Reports through events and the result; prints nothing itself.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareInfraClient } from "./cloudflare-client.js";
import { applyInfra } from "./apply.js";
import type { InfraOutcome } from "./events.js";
import { actualResources, checkInfraOptions, desiredResources, infraTarget, loadInfraContext, workersDevHost, type InfraOptions } from "./infra-model.js";
import { planInfra, type InfraAction } from "./plan.js";
import { defaultWorkerBundle, type WorkerBundle } from "./worker-bundle.js";

export interface InfraDeployOptions extends InfraOptions {
  /** Produces the worker bundle; default: wrangler's in a clone, the shipped dist/worker/index.js in a package. */
  bundle?: () => Promise<WorkerBundle>;
}

export interface InfraDeployResult {
  outcome: InfraOutcome;
  actions: InfraAction[];
  /** The account matches the plan now (applied, or nothing to change). */
  applied: boolean;
  script: string;
  /** Zone names; the first is the tunnel zone. */
  zones: string[];
  workerUrl: string;
  /** Only when this deploy created it; never retrievable later. */
  workerToken?: string;
}

const packageRoot = () => join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function infraDeploy(opts: InfraDeployOptions): Promise<InfraDeployResult> {
  checkInfraOptions(opts);
  const client = cloudflareInfraClient({ apiBase: opts.apiBase, apiToken: opts.apiToken, accountId: opts.accountId, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ctx = await loadInfraContext(client, opts);
  const bundle = await (opts.bundle ?? (() => defaultWorkerBundle(packageRoot())))();
  const actual = await actualResources(client, ctx, false);
  const actions = planInfra(desiredResources(ctx, bundle), actual);
  const target = infraTarget(ctx);
  const base = { actions, script: target.script, zones: target.zones, workerUrl: `https://${workersDevHost(ctx)}` };

  opts.onEvent?.({ type: "plan", operation: "deploy", target, actions });
  if (opts.dryRun) return { ...base, outcome: "dry-run", applied: false };
  if (actions.every((a) => a.op === "unchanged")) return { ...base, outcome: "no-change", applied: true };
  if (opts.confirm && !(await opts.confirm())) return { ...base, outcome: "cancelled", applied: false };
  const result = await applyInfra(client, ctx, actions, actual, bundle, (action) => opts.onEvent?.({ type: "applied", action }));
  return { ...base, outcome: "applied", applied: true, ...(result.workerToken ? { workerToken: result.workerToken } : {}) };
}

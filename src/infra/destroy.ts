// `linkup infra destroy`: remove everything `infra deploy` created (routes, DNS records, cache
// rule, worker, KV namespaces, worker API token) plus the session tunnels the worker made in the
// tunnel zone. Only resources recognisable as this deployment's (exact names or Linkup's marker).
// Reports through events and the result; prints nothing itself.
import { cloudflareInfraClient } from "./cloudflare-client.js";
import { applyInfra } from "./apply.js";
import type { InfraOutcome } from "./events.js";
import { actualResources, checkInfraOptions, infraTarget, loadInfraContext, type InfraOptions } from "./infra-model.js";
import { planInfra, type InfraAction } from "./plan.js";

export interface InfraDestroyResult {
  outcome: InfraOutcome;
  actions: InfraAction[];
  /** Nothing of the deployment is left (removed now, or there was nothing). */
  applied: boolean;
}

export async function infraDestroy(opts: InfraOptions): Promise<InfraDestroyResult> {
  checkInfraOptions(opts);
  const client = cloudflareInfraClient({ apiBase: opts.apiBase, apiToken: opts.apiToken, accountId: opts.accountId, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ctx = await loadInfraContext(client, opts);
  const actual = await actualResources(client, ctx, true);
  const actions = planInfra([], actual);

  opts.onEvent?.({ type: "plan", operation: "destroy", target: infraTarget(ctx), actions });
  if (opts.dryRun) return { outcome: "dry-run", actions, applied: false };
  if (actions.length === 0) return { outcome: "no-change", actions, applied: true };
  if (opts.confirm && !(await opts.confirm())) return { outcome: "cancelled", actions, applied: false };
  await applyInfra(client, ctx, actions, actual, undefined, (action) => opts.onEvent?.({ type: "applied", action }));
  return { outcome: "applied", actions, applied: true };
}

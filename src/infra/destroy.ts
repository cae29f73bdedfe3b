// `linkup infra destroy`: remove everything `infra deploy` created (routes, DNS records, cache
// rule, worker, KV namespaces, worker API token) plus the session tunnels the worker made in the
// tunnel zone. Only resources recognisable as this deployment's (exact names or Linkup's marker).
import { cloudflareInfraClient } from "./cloudflare-client.js";
import { applyInfra } from "./apply.js";
import { actualResources, checkInfraOptions, DEFAULT_API_BASE, loadInfraContext, type InfraOptions } from "./infra-model.js";
import { formatPlan, planInfra, type InfraAction } from "./plan.js";

export interface InfraDestroyResult {
  actions: InfraAction[];
  applied: boolean;
}

export async function infraDestroy(opts: InfraOptions): Promise<InfraDestroyResult> {
  checkInfraOptions(opts);
  const say = (line: string) => opts.out.write(`${line}\n`);
  const client = cloudflareInfraClient({ apiBase: opts.apiBase ?? DEFAULT_API_BASE, apiToken: opts.apiToken, accountId: opts.accountId, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ctx = await loadInfraContext(client, opts);
  const actual = await actualResources(client, ctx, true);
  const actions = planInfra([], actual);

  say(`Removing Linkup deployment ${ctx.names.script} from account ${ctx.accountId}`);
  for (const line of formatPlan(actions)) say(line);
  if (opts.dryRun) {
    say("Dry run: nothing was changed.");
    return { actions, applied: false };
  }
  if (actions.length === 0) {
    say("Nothing to remove.");
    return { actions, applied: true };
  }
  if (opts.confirm && !(await opts.confirm())) {
    say("Cancelled: nothing was changed.");
    return { actions, applied: false };
  }
  await applyInfra(client, ctx, actions, actual, undefined, (a) => say(`  done: ${a.op} ${a.kind} ${a.key}`));
  say("Removed.");
  return { actions, applied: true };
}

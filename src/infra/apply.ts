// The infra applier: the only code that writes to Cloudflare. Runs planned actions in order,
// carrying what later steps need (new KV ids, the new worker API token's value).
import { randomBytes } from "node:crypto";
import type { CfBinding, CloudflareInfraClient } from "./cloudflare-client.js";
import { WORKER_COMPATIBILITY_DATE } from "../core/deployment.js";
import { tokenPolicies, versionTag, workerBindings, type InfraContext } from "./infra-model.js";
import type { InfraAction, InfraResource } from "./plan.js";
import type { WorkerBundle } from "./worker-bundle.js";

export interface ApplyResult {
  /** Set only when this run created the worker's WORKER_TOKEN secret (the one chance to show it). */
  workerToken?: string;
  applied: InfraAction[];
}

export async function applyInfra(
  client: CloudflareInfraClient,
  ctx: InfraContext,
  actions: InfraAction[],
  actual: InfraResource[],
  bundle: WorkerBundle | undefined,
  onApplied: (action: InfraAction) => void,
): Promise<ApplyResult> {
  const n = ctx.names;
  const kvIds = new Map(actual.filter((r) => r.kind === "kv-namespace").map((r) => [r.key, r.id!]));
  let tokenId = actual.find((r) => r.kind === "api-token")?.id;
  let tokenValue: string | undefined;
  const result: ApplyResult = { applied: [] };

  const scriptBindings = (): CfBinding[] => {
    const bindings = workerBindings(ctx);
    const tag = versionTag(bundle!, bindings);
    return [
      ...bindings.map(({ namespace_title, ...b }) => (b.type === "kv_namespace" ? { ...b, namespace_id: kvIds.get(namespace_title as string)! } : b)),
      { type: "plain_text", name: "LINKUP_VERSION_TAG", text: tag },
    ];
  };

  for (const action of actions) {
    if (action.op === "unchanged") continue;
    const r = (action.desired ?? action.actual)!;
    const write = action.op !== "delete";
    switch (action.kind) {
      case "api-token":
        if (action.op === "create") {
          const t = await client.createToken(n.token, tokenPolicies(ctx));
          tokenId = t.id;
          tokenValue = t.value;
        } else if (action.op === "update") await client.updateToken(r.id ?? action.actual!.id!, n.token, tokenPolicies(ctx));
        else await client.deleteToken(r.id!, r.key);
        break;
      case "kv-namespace":
        if (action.op === "create") kvIds.set(r.key, (await client.createKv(r.key)).id);
        else if (!write) await client.deleteKv(r.id!, r.key);
        break;
      case "worker-script":
        if (write) await client.uploadScript(n.script, bundle!, { compatibility_date: WORKER_COMPATIBILITY_DATE, bindings: scriptBindings() });
        else await client.deleteScript(r.key);
        break;
      case "worker-secret": {
        if (!write) break; // secrets go with the script
        const secret = r.key.slice(r.key.lastIndexOf("/") + 1);
        if (secret === "WORKER_TOKEN") {
          result.workerToken = randomBytes(32).toString("base64url");
          await client.putSecret(n.script, secret, result.workerToken);
        } else {
          tokenValue ??= await client.rollToken(tokenId!, n.token); // the value is only known at creation
          await client.putSecret(n.script, secret, tokenValue);
        }
        break;
      }
      case "worker-cron":
        if (write) await client.putCrons(n.script, r.spec.crons as string[]);
        break;
      case "workers-dev":
        if (write) await client.enableWorkersDev(n.script);
        break;
      case "worker-route":
        if (action.op === "create") await client.createRoute(r.zoneId!, r.key, n.script);
        else if (!write) await client.deleteRoute(r.zoneId!, r.id!, r.key);
        break;
      case "dns-record": {
        const rec = { type: r.spec.type as string, name: r.key, content: r.spec.content as string, proxied: r.spec.proxied as boolean, comment: n.marker };
        if (action.op === "create") await client.createDns(r.zoneId!, rec);
        else if (action.op === "update") await client.updateDns(r.zoneId!, action.actual!.id!, rec);
        else await client.deleteDns(r.zoneId!, r.id!, r.key);
        break;
      }
      case "cache-rule": {
        const others = (await client.cacheRules(r.zoneId!)).filter((rule) => rule.description !== n.marker);
        const ours = write
          ? [{ action: "set_cache_settings", expression: r.spec.expression as string, action_parameters: r.spec.action_parameters, description: n.marker, enabled: true }]
          : [];
        await client.putCacheRules(r.zoneId!, [...others, ...ours]);
        break;
      }
      case "tunnel-dns-record":
        if (!write) await client.deleteDns(r.zoneId!, r.id!, r.key);
        break;
      case "tunnel":
        if (!write) await client.deleteTunnel(r.id!, r.key);
        break;
    }
    result.applied.push(action);
    onApplied(action);
  }
  return result;
}

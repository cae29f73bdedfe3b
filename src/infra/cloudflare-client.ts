// Node client for the account-level Cloudflare resources `linkup infra deploy|destroy` manages:
// KV namespaces, the worker script (multipart upload of a wrangler-built bundle), its secrets,
// cron schedules and workers.dev subdomain, worker routes and DNS records per zone, the zone's
// cache-settings ruleset, account-owned API tokens, and (for destroy) tunnels.
// Transport and error messages come from the shared Cloudflare API caller.
import { cloudflareApi, isCloudflareNotFound } from "../clients/cloudflare-api.js";
import type { WorkerBundle } from "./worker-bundle.js";

export interface CfZone { id: string; name: string }
export interface CfKvNamespace { id: string; title: string }
export interface CfPermissionGroup { id: string; name: string }
export interface CfPolicy { effect: "allow" | "deny"; resources: Record<string, string>; permission_groups: { id: string; name?: string }[] }
export interface CfToken { id: string; name: string; policies: CfPolicy[] }
export interface CfBinding { type: string; name: string; [k: string]: unknown }
export interface CfRoute { id: string; pattern: string; script?: string }
export interface CfDnsRecord { id: string; type: string; name: string; content: string; proxied?: boolean; comment?: string | null }
export interface CfRule { id?: string; action: string; expression: string; description?: string; action_parameters?: unknown; enabled?: boolean }
export interface CfTunnel { id: string; name: string }

export interface CloudflareInfraClientOptions {
  apiBase?: string;
  apiToken: string;
  accountId: string;
  fetch?: typeof fetch;
}

export type CloudflareInfraClient = ReturnType<typeof cloudflareInfraClient>;

export function cloudflareInfraClient(options: CloudflareInfraClientOptions) {
  const api = cloudflareApi({ ...options, timeoutMs: 120_000 });
  const acct = `accounts/${options.accountId}`;
  const script = (name: string) => `${acct}/workers/scripts/${name}`;
  const CACHE_PHASE = "rulesets/phases/http_request_cache_settings/entrypoint";

  async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      if (isCloudflareNotFound(err)) return undefined;
      throw err;
    }
  }

  return {
    zone: (id: string) => api.call<CfZone>("GET", `zones/${id}`, { what: `read zone ${id}` }),
    workersSubdomain: async () => (await api.call<{ subdomain: string }>("GET", `${acct}/workers/subdomain`, { what: "read the account's workers.dev subdomain" })).subdomain,

    listKv: () => api.list<CfKvNamespace>(`${acct}/storage/kv/namespaces`, { what: "list KV namespaces" }),
    createKv: (title: string) => api.call<CfKvNamespace>("POST", `${acct}/storage/kv/namespaces`, { what: `create KV namespace ${title}`, json: { title } }),
    deleteKv: (id: string, title: string) => api.call("DELETE", `${acct}/storage/kv/namespaces/${id}`, { what: `delete KV namespace ${title}` }),

    permissionGroups: () => api.list<CfPermissionGroup>(`${acct}/tokens/permission_groups`, { what: "list API token permission groups" }),
    listTokens: () => api.list<CfToken>(`${acct}/tokens`, { what: "list account API tokens" }),
    createToken: (name: string, policies: CfPolicy[]) =>
      api.call<CfToken & { value: string }>("POST", `${acct}/tokens`, { what: `create API token ${name}`, json: { name, policies } }),
    updateToken: (id: string, name: string, policies: CfPolicy[]) =>
      api.call<CfToken>("PUT", `${acct}/tokens/${id}`, { what: `update API token ${name}`, json: { name, policies } }),
    /** New secret value for an existing token (the old value stops working). */
    rollToken: (id: string, name: string) => api.call<string>("PUT", `${acct}/tokens/${id}/value`, { what: `roll API token ${name}`, json: {} }),
    deleteToken: (id: string, name: string) => api.call("DELETE", `${acct}/tokens/${id}`, { what: `delete API token ${name}` }),

    scriptSettings: (name: string) =>
      orUndefined(api.call<{ bindings: CfBinding[]; compatibility_date?: string }>("GET", `${script(name)}/settings`, { what: `read settings of worker ${name}` })),
    /**
     * Uploads the bundle as an ES-module worker. Secrets are kept across uploads
     * (keep_bindings: secret_text), so WORKER_TOKEN and CLOUDFLARE_API_TOKEN survive redeploys.
     */
    uploadScript: (name: string, bundle: WorkerBundle, metadata: { compatibility_date: string; bindings: CfBinding[] }) => {
      const form = new FormData();
      form.set("metadata", JSON.stringify({ main_module: bundle.mainModule, ...metadata, keep_bindings: ["secret_text"] }));
      for (const m of bundle.modules) form.set(m.name, new Blob([m.content], { type: "application/javascript+module" }), m.name);
      return api.call("PUT", script(name), { what: `upload worker ${name}`, body: form });
    },
    deleteScript: (name: string) => api.call("DELETE", script(name), { what: `delete worker ${name}`, query: { force: true } }),
    listSecrets: async (name: string) => (await orUndefined(api.call<{ name: string }[]>("GET", `${script(name)}/secrets`, { what: `list secrets of worker ${name}` }))) ?? [],
    putSecret: (name: string, secret: string, text: string) =>
      api.call("PUT", `${script(name)}/secrets`, { what: `set secret ${secret} of worker ${name}`, json: { name: secret, text, type: "secret_text" } }),
    getCrons: async (name: string) =>
      ((await orUndefined(api.call<{ schedules: { cron: string }[] }>("GET", `${script(name)}/schedules`, { what: `read cron triggers of worker ${name}` })))?.schedules ?? []).map((s) => s.cron),
    putCrons: (name: string, crons: string[]) =>
      api.call("PUT", `${script(name)}/schedules`, { what: `set cron triggers of worker ${name}`, json: crons.map((cron) => ({ cron })) }),
    workersDevEnabled: async (name: string) =>
      (await orUndefined(api.call<{ enabled: boolean }>("GET", `${script(name)}/subdomain`, { what: `read workers.dev setting of worker ${name}` })))?.enabled ?? false,
    enableWorkersDev: (name: string) => api.call("POST", `${script(name)}/subdomain`, { what: `enable workers.dev for worker ${name}`, json: { enabled: true } }),

    listRoutes: (zoneId: string) => api.call<CfRoute[]>("GET", `zones/${zoneId}/workers/routes`, { what: `list worker routes of zone ${zoneId}` }),
    createRoute: (zoneId: string, pattern: string, scriptName: string) =>
      api.call<CfRoute>("POST", `zones/${zoneId}/workers/routes`, { what: `create worker route ${pattern}`, json: { pattern, script: scriptName } }),
    deleteRoute: (zoneId: string, id: string, pattern: string) => api.call("DELETE", `zones/${zoneId}/workers/routes/${id}`, { what: `delete worker route ${pattern}` }),

    listDns: (zoneId: string) => api.list<CfDnsRecord>(`zones/${zoneId}/dns_records`, { what: `list DNS records of zone ${zoneId}` }),
    createDns: (zoneId: string, rec: Omit<CfDnsRecord, "id">) =>
      api.call<CfDnsRecord>("POST", `zones/${zoneId}/dns_records`, { what: `create DNS record ${rec.name}`, json: { ...rec, ttl: 1 } }),
    updateDns: (zoneId: string, id: string, rec: Omit<CfDnsRecord, "id">) =>
      api.call<CfDnsRecord>("PUT", `zones/${zoneId}/dns_records/${id}`, { what: `update DNS record ${rec.name}`, json: { ...rec, ttl: 1 } }),
    deleteDns: (zoneId: string, id: string, name: string) => api.call("DELETE", `zones/${zoneId}/dns_records/${id}`, { what: `delete DNS record ${name}` }),

    cacheRules: async (zoneId: string) =>
      (await orUndefined(api.call<{ rules?: CfRule[] }>("GET", `zones/${zoneId}/${CACHE_PHASE}`, { what: `read cache rules of zone ${zoneId}` })))?.rules ?? [],
    /** Replaces the zone's cache-settings entry point rules (callers pass the other rules back unchanged). */
    putCacheRules: (zoneId: string, rules: CfRule[]) =>
      api.call("PUT", `zones/${zoneId}/${CACHE_PHASE}`, { what: `update cache rules of zone ${zoneId}`, json: { rules } }),

    listTunnels: () => api.list<CfTunnel>(`${acct}/cfd_tunnel`, { what: "list tunnels", query: { is_deleted: false } }),
    deleteTunnel: async (id: string, name: string) => {
      try {
        await api.call("DELETE", `${acct}/cfd_tunnel/${id}`, { what: `delete tunnel ${name}`, query: { cascade: true } });
      } catch (err) {
        if (!isCloudflareNotFound(err)) throw err;
      }
    },
  };
}

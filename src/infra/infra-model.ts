// What a Linkup deployment consists of on Cloudflare: resource names derived from the zones,
// the desired resource set, and the live state read back and normalised into the same shape
// (ownership by exact name or by a marker Linkup writes, never by guessing).
import { createHash } from "node:crypto";
import { normaliseTeamDomain } from "../core/access.js";
import type { AccessConfig } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import type { CfBinding, CfPermissionGroup, CfPolicy, CfZone, CloudflareInfraClient } from "./cloudflare-client.js";
import type { InfraEventHandler, InfraTarget } from "./events.js";
import type { InfraResource } from "./plan.js";
import type { WorkerBundle } from "./worker-bundle.js";
import { TUNNEL_NAME_PREFIX, WORKER_COMPATIBILITY_DATE, WORKER_CRON } from "../core/deployment.js";
import { CLOUDFLARE_API_BASE } from "../clients/cloudflare-api.js";

/** Tunnel hostnames bypass the cache: they serve a developer's live local services. */
export const CACHE_BYPASS_EXPRESSION = `starts_with(http.host, "${TUNNEL_NAME_PREFIX}")`;

export interface InfraNames {
  script: string;
  sessionsKv: string;
  tunnelsKv: string;
  token: string;
  /** Written as DNS record comment and cache rule description: how we recognise our own. */
  marker: string;
}

export function infraNames(zones: CfZone[]): InfraNames {
  const joined = zones.map((z) => z.name.replace(/\./g, "-")).join("-");
  const suffix = joined.length <= 40 ? joined : createHash("sha256").update(joined).digest("hex").slice(0, 12);
  const script = `linkup-worker-${suffix}`;
  return { script, sessionsKv: `linkup-sessions-${suffix}`, tunnelsKv: `linkup-tunnels-${suffix}`, token: script, marker: `managed by linkup (${script})` };
}

export interface InfraContext {
  accountId: string;
  /** The first zone is the tunnel zone. */
  zones: CfZone[];
  apiBase: string;
  workersSubdomain: string;
  permissionGroups: CfPermissionGroup[];
  names: InfraNames;
  /** linkup.yaml's access block: the worker then checks Cloudflare Access assertions (ACCESS_* vars). */
  access?: AccessConfig;
}

/** Misses (requests for sessions that do not exist) allowed per client address and minute on a deployed worker. */
export const NAME_PROBE_LIMIT = 30;

/** The rate-limiting namespace: an account-wide integer, derived from the script name so deployments do not share counters. */
export function rateLimitNamespace(names: InfraNames): string {
  return String(1_000 + (parseInt(createHash("sha256").update(names.script).digest("hex").slice(0, 8), 16) % 1_000_000));
}

const ZONE_PERMISSIONS = ["Zone Read", "DNS Write"];
const ACCOUNT_PERMISSIONS = ["Workers KV Storage Write", "Cloudflare Tunnel Write"];

/** The worker's own API token: DNS on the zones, KV and tunnels on the account. */
export function tokenPolicies(ctx: InfraContext): CfPolicy[] {
  const group = (name: string) => {
    const g = ctx.permissionGroups.find((p) => p.name === name);
    if (!g) throw new Error(`Cloudflare has no permission group named "${name}"`);
    return { id: g.id, name: g.name };
  };
  return [
    { effect: "allow", resources: Object.fromEntries(ctx.zones.map((z) => [`com.cloudflare.api.account.zone.${z.id}`, "*"])), permission_groups: ZONE_PERMISSIONS.map(group) },
    { effect: "allow", resources: { [`com.cloudflare.api.account.${ctx.accountId}`]: "*" }, permission_groups: ACCOUNT_PERMISSIONS.map(group) },
  ];
}

function permissionSummary(policies: CfPolicy[], groups: CfPermissionGroup[]): string[] {
  const nameOf = (id: string, name?: string) => name ?? groups.find((g) => g.id === id)?.name ?? id;
  return policies
    .flatMap((p) => p.permission_groups.flatMap((g) => Object.keys(p.resources).map((r) => `${p.effect} ${nameOf(g.id, g.name)} on ${r}`)))
    .sort();
}

/** Plain-text and KV bindings, KV by title (ids are filled in by the applier). */
export function workerBindings(ctx: InfraContext): CfBinding[] {
  const tunnelZone = ctx.zones[0]!;
  const vars: Record<string, string> = {
    TUNNEL_PROVIDER: "cloudflare",
    CLOUDFLARE_ACCOUNT_ID: ctx.accountId,
    CLOUDFLARE_TUNNEL_ZONE_ID: tunnelZone.id,
    CLOUDFLARE_TUNNEL_ZONE_NAME: tunnelZone.name,
    LINKUP_ZONES: ctx.zones.map((z) => z.name).join(","),
    ...(ctx.apiBase !== CLOUDFLARE_API_BASE ? { CLOUDFLARE_API_BASE: ctx.apiBase } : {}),
    ...(ctx.access ? { ACCESS_TEAM_DOMAIN: normaliseTeamDomain(ctx.access.team_domain) ?? ctx.access.team_domain, ACCESS_AUD: ctx.access.audience } : {}),
  };
  return [
    { type: "kv_namespace", name: "LINKUP_SESSIONS", namespace_title: ctx.names.sessionsKv },
    { type: "kv_namespace", name: "LINKUP_TUNNELS", namespace_title: ctx.names.tunnelsKv },
    ...Object.entries(vars).map(([name, text]) => ({ type: "plain_text", name, text })),
    // Counts requests for sessions that do not exist, per client address (src/worker/name-probes.ts).
    { type: "ratelimit", name: "NAME_PROBE_LIMITER", namespace_id: rateLimitNamespace(ctx.names), simple: { limit: NAME_PROBE_LIMIT, period: 60 } },
  ];
}

/** Content hash of everything uploaded with the script; a redeploy uploads only when it changes. */
export function versionTag(bundle: WorkerBundle, bindings: CfBinding[]): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ main: bundle.mainModule, compat: WORKER_COMPATIBILITY_DATE, bindings }));
  for (const m of bundle.modules) h.update(`\0${m.name}\0${m.content}`);
  return h.digest("hex");
}

export const workersDevHost = (ctx: InfraContext) => `${ctx.names.script}.${ctx.workersSubdomain}.workers.dev`;

export function desiredResources(ctx: InfraContext, bundle: WorkerBundle): InfraResource[] {
  const n = ctx.names;
  const kvRefs = [`kv-namespace ${n.sessionsKv}`, `kv-namespace ${n.tunnelsKv}`];
  const out: InfraResource[] = [
    { kind: "api-token", key: n.token, spec: { permissions: permissionSummary(tokenPolicies(ctx), ctx.permissionGroups) } },
    { kind: "kv-namespace", key: n.sessionsKv, spec: { title: n.sessionsKv } },
    { kind: "kv-namespace", key: n.tunnelsKv, spec: { title: n.tunnelsKv } },
    { kind: "worker-script", key: n.script, spec: { version_tag: versionTag(bundle, workerBindings(ctx)) }, dependsOn: kvRefs },
    { kind: "worker-secret", key: `${n.script}/WORKER_TOKEN`, spec: {} },
    { kind: "worker-secret", key: `${n.script}/CLOUDFLARE_API_TOKEN`, spec: {}, dependsOn: [`api-token ${n.token}`] },
    { kind: "worker-cron", key: n.script, spec: { crons: [WORKER_CRON] } },
    { kind: "workers-dev", key: n.script, spec: { enabled: true } },
  ];
  for (const z of ctx.zones) {
    for (const pattern of [`*.${z.name}/*`, `${z.name}/*`]) out.push({ kind: "worker-route", key: pattern, zoneId: z.id, spec: { script: n.script } });
    for (const name of [`*.${z.name}`, z.name]) {
      out.push({ kind: "dns-record", key: name, zoneId: z.id, spec: { type: "CNAME", content: workersDevHost(ctx), proxied: true } });
    }
  }
  out.push({
    kind: "cache-rule",
    key: ctx.zones[0]!.name,
    zoneId: ctx.zones[0]!.id,
    spec: { action: "set_cache_settings", expression: CACHE_BYPASS_EXPRESSION, action_parameters: { cache: false } },
  });
  return out;
}

/**
 * Everything of this deployment that exists now. For destroy, also the tunnels the worker made
 * (tunnel-zone CNAMEs `linkup-tunnel-*` -> `<id>.cfargotunnel.com`, and those tunnels).
 */
export async function actualResources(client: CloudflareInfraClient, ctx: InfraContext, forDestroy: boolean): Promise<InfraResource[]> {
  const n = ctx.names;
  const out: InfraResource[] = [];
  const token = (await client.listTokens()).find((t) => t.name === n.token);
  if (token) out.push({ kind: "api-token", key: n.token, id: token.id, spec: { permissions: permissionSummary(token.policies, ctx.permissionGroups) } });
  for (const ns of await client.listKv()) {
    if (ns.title === n.sessionsKv || ns.title === n.tunnelsKv) out.push({ kind: "kv-namespace", key: ns.title, id: ns.id, spec: { title: ns.title } });
  }
  const settings = await client.scriptSettings(n.script);
  if (settings) {
    const tag = settings.bindings.find((b) => b.name === "LINKUP_VERSION_TAG" && b.type === "plain_text");
    out.push({ kind: "worker-script", key: n.script, spec: { version_tag: tag?.text ?? null } });
    if (!forDestroy) {
      for (const s of await client.listSecrets(n.script)) {
        if (s.name === "WORKER_TOKEN" || s.name === "CLOUDFLARE_API_TOKEN") out.push({ kind: "worker-secret", key: `${n.script}/${s.name}`, spec: {} });
      }
      out.push({ kind: "worker-cron", key: n.script, spec: { crons: await client.getCrons(n.script) } });
      out.push({ kind: "workers-dev", key: n.script, spec: { enabled: await client.workersDevEnabled(n.script) } });
    }
  }
  for (const z of ctx.zones) {
    for (const r of await client.listRoutes(z.id)) {
      if (r.script === n.script) out.push({ kind: "worker-route", key: r.pattern, zoneId: z.id, id: r.id, spec: { script: r.script } });
    }
    const records = await client.listDns(z.id);
    for (const r of records) {
      if (r.comment === n.marker) out.push({ kind: "dns-record", key: r.name, zoneId: z.id, id: r.id, spec: { type: r.type, content: r.content, proxied: r.proxied ?? false } });
    }
    if (forDestroy && z.id === ctx.zones[0]!.id) {
      const tunnelIds = new Set<string>();
      for (const r of records) {
        if (r.type === "CNAME" && r.name.startsWith(TUNNEL_NAME_PREFIX) && r.content.endsWith(".cfargotunnel.com")) {
          out.push({ kind: "tunnel-dns-record", key: r.name, zoneId: z.id, id: r.id, spec: {} });
          tunnelIds.add(r.content.slice(0, -".cfargotunnel.com".length));
        }
      }
      for (const t of await client.listTunnels()) if (tunnelIds.has(t.id)) out.push({ kind: "tunnel", key: t.name, id: t.id, spec: {} });
    }
  }
  const tunnelZone = ctx.zones[0]!;
  const rule = (await client.cacheRules(tunnelZone.id)).find((r) => r.description === n.marker);
  if (rule) {
    out.push({ kind: "cache-rule", key: tunnelZone.name, zoneId: tunnelZone.id, id: rule.id, spec: { action: rule.action, expression: rule.expression, action_parameters: rule.action_parameters } });
  }
  return out;
}

export interface InfraOptions {
  accountId: string;
  /** Zone ids; the first is the tunnel zone. */
  zoneIds: string[];
  apiToken: string;
  apiBase?: string;
  dryRun?: boolean;
  /** linkup.yaml's access block, when the config has one. */
  access?: AccessConfig;
  /** linkup.yaml's domains and its `access: public` sessions, for the Access setup the plan shows. */
  sessionDomains?: string[];
  publicSessions?: string[];
  /**
   * Asked after the "plan" event, when something would change (not for --dry-run). Answering
   * false changes nothing. Absent: apply without asking (the caller already has consent).
   */
  confirm?: () => Promise<boolean>;
  /** The plan, then each applied action (the CLI prints them). */
  onEvent?: InfraEventHandler;
  fetch?: typeof fetch;
}

export function checkInfraOptions(opts: InfraOptions): void {
  const missing = [
    ...(opts.accountId ? [] : ["--account-id (or CLOUDFLARE_ACCOUNT_ID)"]),
    ...(opts.zoneIds.length ? [] : ["--zone-ids (or CLOUDFLARE_ZONE_IDS)"]),
    ...(opts.apiToken ? [] : ["an API token (--api-token or CLOUDFLARE_API_TOKEN)"]),
  ];
  if (missing.length) throw new ConfigError("infra-options-missing", `linkup infra needs ${missing.join(", ")}`);
}

export function infraTarget(ctx: InfraContext): InfraTarget {
  return { script: ctx.names.script, accountId: ctx.accountId, zones: ctx.zones.map((z) => z.name) };
}

export async function loadInfraContext(client: CloudflareInfraClient, opts: InfraOptions): Promise<InfraContext> {
  const zones = await Promise.all(opts.zoneIds.map((id) => client.zone(id)));
  return {
    accountId: opts.accountId,
    zones: zones.map((z) => ({ id: z.id, name: z.name })),
    apiBase: opts.apiBase ?? CLOUDFLARE_API_BASE,
    workersSubdomain: await client.workersSubdomain(),
    permissionGroups: await client.permissionGroups(),
    names: infraNames(zones),
    ...(opts.access ? { access: opts.access } : {}),
  };
}

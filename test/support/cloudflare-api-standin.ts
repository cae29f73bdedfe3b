// A local stand-in for Cloudflare's API v4 (node:http). It implements only the endpoints Linkup
// uses (tunnels, tunnel configuration and token, DNS records, zones, KV namespaces, worker
// scripts/settings/secrets/schedules/subdomain, worker routes, cache rulesets, account tokens),
// checks method, path, Bearer auth and request bodies, answers in Cloudflare's envelope
// {success, errors, messages, result}, rejects everything else, and records every call.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID, randomBytes } from "node:crypto";

export interface StandinZone {
  id: string;
  name: string;
}

export interface StandinOptions {
  token: string;
  accountId: string;
  zones: StandinZone[];
  workersSubdomain?: string;
}

export interface RecordedCall {
  method: string;
  path: string; // without the /client/v4 prefix
  query: Record<string, string>;
  body: unknown;
  status: number;
}

interface Tunnel {
  id: string;
  name: string;
  config_src: string;
  created_at: string;
  deleted_at: string | null;
  secret: string;
  config: unknown;
}
interface DnsRecord {
  id: string;
  zone_id: string;
  type: string;
  name: string;
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string | null;
}
interface Script {
  id: string;
  metadata: { main_module: string; compatibility_date?: string; bindings: Record<string, unknown>[] };
  modules: Record<string, string>;
  secrets: Map<string, string>;
  schedules: { cron: string }[];
  subdomain_enabled: boolean;
}
interface Rule {
  id: string;
  action: string;
  expression: string;
  description?: string;
  action_parameters?: unknown;
  enabled?: boolean;
}
interface ApiToken {
  id: string;
  name: string;
  policies: unknown[];
  value: string;
  status: string;
}

export interface StandinState {
  tunnels: Map<string, Tunnel>;
  dns: Map<string, DnsRecord>;
  kv: Map<string, { id: string; title: string }>;
  scripts: Map<string, Script>;
  routes: Map<string, { id: string; zone_id: string; pattern: string; script: string }>;
  rulesets: Map<string, { id: string; phase: string; kind: string; name: string; rules: Rule[] }>; // key zone id
  tokens: Map<string, ApiToken>;
}

export interface CloudflareStandin {
  /** API base to configure clients with, e.g. http://127.0.0.1:1234/client/v4 */
  url: string;
  calls: RecordedCall[];
  /** Calls that changed something (any successful non-GET). */
  writes(): RecordedCall[];
  state: StandinState;
  /** The next call matching method + path pattern fails with this status and these errors. */
  failNext(method: string, path: RegExp, status: number, errors: { code: number; message: string }[]): void;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: { code: number; message: string }[],
  ) {
    super(errors.map((e) => e.message).join("; "));
  }
}

const fail = (status: number, code: number, message: string): never => {
  throw new ApiFailure(status, [{ code, message }]);
};

const PERMISSION_GROUPS = [
  { id: "pg-zone-read", name: "Zone Read", scopes: ["com.cloudflare.api.account.zone"] },
  { id: "pg-dns-write", name: "DNS Write", scopes: ["com.cloudflare.api.account.zone"] },
  { id: "pg-kv-write", name: "Workers KV Storage Write", scopes: ["com.cloudflare.api.account"] },
  { id: "pg-tunnel-write", name: "Cloudflare Tunnel Write", scopes: ["com.cloudflare.api.account"] },
  { id: "pg-scripts-write", name: "Workers Scripts Write", scopes: ["com.cloudflare.api.account"] },
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function str(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || v.length === 0) fail(400, 1001, `${key} must be a non-empty string`);
  return v as string;
}
function jsonBody(body: unknown): Record<string, unknown> {
  if (!isObject(body)) fail(400, 1001, "request body must be a JSON object");
  return body as Record<string, unknown>;
}

export async function startCloudflareStandin(options: StandinOptions): Promise<CloudflareStandin> {
  const state: StandinState = {
    tunnels: new Map(),
    dns: new Map(),
    kv: new Map(),
    scripts: new Map(),
    routes: new Map(),
    rulesets: new Map(),
    tokens: new Map(),
  };
  const calls: RecordedCall[] = [];
  const failures: { method: string; path: RegExp; status: number; errors: { code: number; message: string }[] }[] = [];
  const subdomain = options.workersSubdomain ?? "linkup-test";
  const zoneById = new Map(options.zones.map((z) => [z.id, z]));
  const now = () => new Date().toISOString();

  function zoneOf(id: string): StandinZone {
    return zoneById.get(id) ?? fail(404, 1001, `zone ${id} not found`);
  }
  function liveTunnel(id: string): Tunnel {
    const t = state.tunnels.get(id);
    if (!t || t.deleted_at) fail(404, 1003, `tunnel ${id} not found`);
    return t!;
  }
  function scriptOf(name: string): Script {
    return state.scripts.get(name) ?? fail(404, 10007, `workers.api.error.script_not_found`);
  }
  function tunnelView(t: Tunnel) {
    return { id: t.id, name: t.name, created_at: t.created_at, deleted_at: t.deleted_at, remote_config: t.config_src === "cloudflare", status: "inactive", connections: [] };
  }
  function fqdn(zone: StandinZone, name: string): string {
    if (name === "@" || name === zone.name) return zone.name;
    return name.endsWith(`.${zone.name}`) ? name : `${name}.${zone.name}`;
  }
  function checkDns(zone: StandinZone, b: Record<string, unknown>, selfId?: string): Omit<DnsRecord, "id"> {
    const type = str(b, "type")!;
    if (!["A", "AAAA", "CNAME", "TXT"].includes(type)) fail(400, 9005, `unsupported record type ${type}`);
    const name = fqdn(zone, str(b, "name")!);
    const content = str(b, "content")!;
    if (b.proxied !== undefined && typeof b.proxied !== "boolean") fail(400, 9003, "proxied must be a boolean");
    if (b.ttl !== undefined && typeof b.ttl !== "number") fail(400, 9006, "ttl must be a number");
    if (b.comment !== undefined && b.comment !== null && typeof b.comment !== "string") fail(400, 9007, "comment must be a string");
    if (type === "CNAME" && [...state.dns.values()].some((r) => r.zone_id === zone.id && r.name === name && r.id !== selfId)) {
      fail(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
    }
    return { zone_id: zone.id, type, name, content, proxied: (b.proxied as boolean | undefined) ?? false, ttl: (b.ttl as number | undefined) ?? 1, comment: (b.comment as string | null | undefined) ?? null };
  }
  function scriptSettings(s: Script) {
    return {
      compatibility_date: s.metadata.compatibility_date,
      bindings: [
        ...s.metadata.bindings,
        ...[...s.secrets.keys()].map((name) => ({ type: "secret_text", name })),
      ],
    };
  }
  function checkPolicies(v: unknown): unknown[] {
    if (!Array.isArray(v) || v.length === 0) fail(400, 400, "policies must be a non-empty array");
    for (const p of v as unknown[]) {
      if (!isObject(p) || (p.effect !== "allow" && p.effect !== "deny")) fail(400, 400, "policy effect must be allow or deny");
      const pol = p as Record<string, unknown>;
      if (!isObject(pol.resources) || !Array.isArray(pol.permission_groups)) fail(400, 400, "policy needs resources and permission_groups");
      for (const g of pol.permission_groups as unknown[]) {
        if (!isObject(g) || !PERMISSION_GROUPS.some((pg) => pg.id === g.id)) fail(400, 400, "unknown permission group");
      }
    }
    return v as unknown[];
  }

  type Handler = (p: { params: string[]; query: URLSearchParams; body: unknown; req: IncomingMessage; raw: Buffer }) => unknown | Promise<unknown>;
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  const on = (method: string, path: string, handler: Handler) => {
    const re = new RegExp("^" + path.replace(/:[a-z_]+/g, "([^/]+)") + "$");
    routes.push({ method, pattern: re, handler });
  };
  const A = "accounts/:account";

  // --- tunnels ---
  on("GET", `${A}/cfd_tunnel`, ({ query }) =>
    [...state.tunnels.values()]
      .filter((t) => (query.get("is_deleted") === "true" ? true : !t.deleted_at))
      .filter((t) => !query.get("name") || t.name === query.get("name"))
      .map(tunnelView),
  );
  on("POST", `${A}/cfd_tunnel`, ({ body }) => {
    const b = jsonBody(body);
    const name = str(b, "name")!;
    const src = b.config_src ?? "local";
    if (src !== "cloudflare" && src !== "local") fail(400, 1001, "config_src must be cloudflare or local");
    if (b.tunnel_secret !== undefined && typeof b.tunnel_secret !== "string") fail(400, 1001, "tunnel_secret must be base64");
    if ([...state.tunnels.values()].some((t) => t.name === name && !t.deleted_at)) fail(409, 1013, "You already have a tunnel with this name.");
    const t: Tunnel = { id: randomUUID(), name, config_src: src as string, created_at: now(), deleted_at: null, secret: randomBytes(32).toString("base64"), config: null };
    state.tunnels.set(t.id, t);
    return tunnelView(t);
  });
  on("GET", `${A}/cfd_tunnel/:id`, ({ params }) => tunnelView(liveTunnel(params[1]!)));
  on("DELETE", `${A}/cfd_tunnel/:id`, ({ params, query }) => {
    const t = liveTunnel(params[1]!);
    const cascade = query.get("cascade");
    if (cascade !== null && cascade !== "true" && cascade !== "false") fail(400, 1001, "cascade must be a boolean");
    t.deleted_at = now();
    return tunnelView(t);
  });
  on("PUT", `${A}/cfd_tunnel/:id/configurations`, ({ params, body }) => {
    const t = liveTunnel(params[1]!);
    if (t.config_src !== "cloudflare") fail(400, 1056, "tunnel is locally configured; remote configuration is not allowed");
    const b = jsonBody(body);
    if (!isObject(b.config) || !Array.isArray(b.config.ingress) || b.config.ingress.length === 0) fail(400, 1055, "config.ingress must be a non-empty array");
    const ingress = (b.config as { ingress: unknown[] }).ingress;
    ingress.forEach((rule, i) => {
      if (!isObject(rule) || typeof rule.service !== "string") fail(400, 1055, `ingress[${i}].service is required`);
      if (i === ingress.length - 1 && (rule as Record<string, unknown>).hostname !== undefined) fail(400, 1055, "the last ingress rule must be a catch-all (no hostname)");
    });
    t.config = b.config;
    return { tunnel_id: t.id, version: 1, config: b.config, source: "cloudflare", created_at: now() };
  });
  on("GET", `${A}/cfd_tunnel/:id/token`, ({ params }) => {
    const t = liveTunnel(params[1]!);
    return Buffer.from(JSON.stringify({ a: options.accountId, t: t.id, s: t.secret })).toString("base64");
  });

  // --- zones and DNS ---
  on("GET", `zones/:zone`, ({ params }) => {
    const z = zoneOf(params[0]!);
    return { id: z.id, name: z.name, status: "active", account: { id: options.accountId } };
  });
  on("GET", `zones/:zone/dns_records`, ({ params, query }) => {
    const z = zoneOf(params[0]!);
    return [...state.dns.values()].filter(
      (r) =>
        r.zone_id === z.id &&
        (!query.get("type") || r.type === query.get("type")) &&
        (!query.get("name") || r.name === query.get("name")) &&
        (!query.get("content") || r.content === query.get("content")),
    );
  });
  on("POST", `zones/:zone/dns_records`, ({ params, body }) => {
    const z = zoneOf(params[0]!);
    const r = { id: randomBytes(16).toString("hex"), ...checkDns(z, jsonBody(body)) };
    state.dns.set(r.id, r);
    return r;
  });
  on("PUT", `zones/:zone/dns_records/:id`, ({ params, body }) => {
    const z = zoneOf(params[0]!);
    const old = state.dns.get(params[1]!);
    if (!old || old.zone_id !== z.id) fail(404, 81044, "Record does not exist.");
    const r = { id: old!.id, ...checkDns(z, jsonBody(body), old!.id) };
    state.dns.set(r.id, r);
    return r;
  });
  on("DELETE", `zones/:zone/dns_records/:id`, ({ params }) => {
    const z = zoneOf(params[0]!);
    const r = state.dns.get(params[1]!);
    if (!r || r.zone_id !== z.id) fail(404, 81044, "Record does not exist.");
    state.dns.delete(r!.id);
    return { id: r!.id };
  });

  // --- KV namespaces ---
  on("GET", `${A}/storage/kv/namespaces`, () => [...state.kv.values()]);
  on("POST", `${A}/storage/kv/namespaces`, ({ body }) => {
    const title = str(jsonBody(body), "title")!;
    if ([...state.kv.values()].some((n) => n.title === title)) fail(400, 10014, "a namespace with this account ID and title already exists");
    const ns = { id: randomBytes(16).toString("hex"), title };
    state.kv.set(ns.id, ns);
    return ns;
  });
  on("DELETE", `${A}/storage/kv/namespaces/:id`, ({ params }) => {
    if (!state.kv.delete(params[1]!)) fail(404, 10013, "namespace not found");
    return null;
  });

  // --- worker scripts ---
  on("GET", `${A}/workers/scripts`, () => [...state.scripts.values()].map((s) => ({ id: s.id })));
  on("PUT", `${A}/workers/scripts/:name`, async ({ params, req, raw }) => {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("multipart/form-data")) fail(400, 10021, "script upload must be multipart/form-data");
    const form = await new Request("http://x/", { method: "PUT", headers: { "content-type": type }, body: new Uint8Array(raw) }).formData();
    const metaPart = form.get("metadata");
    if (metaPart === null) fail(400, 10021, "missing metadata part");
    const meta = JSON.parse(typeof metaPart === "string" ? metaPart : await (metaPart as Blob).text()) as Script["metadata"] & { keep_bindings?: string[] };
    if (typeof meta.main_module !== "string") fail(400, 10021, "metadata.main_module is required");
    const modules: Record<string, string> = {};
    for (const [name, value] of form.entries()) {
      if (name === "metadata") continue;
      if (typeof value === "string") fail(400, 10021, `part ${name} must be a file`);
      const blob = value as Blob;
      if (!blob.type.startsWith("application/javascript+module") && !blob.type.startsWith("application/source-map")) fail(400, 10021, `part ${name} has unsupported type ${blob.type}`);
      modules[name] = await blob.text();
    }
    if (!(meta.main_module in modules)) fail(400, 10021, `main_module ${meta.main_module} has no part`);
    if (!Array.isArray(meta.bindings)) fail(400, 10021, "metadata.bindings must be an array");
    for (const b of meta.bindings) {
      if (!isObject(b) || typeof b.name !== "string") fail(400, 10021, "binding needs a name");
      if (b.type === "kv_namespace" && !state.kv.has(b.namespace_id as string)) fail(400, 10041, `KV namespace ${String(b.namespace_id)} not found`);
      if (b.type === "secret_text") fail(400, 10021, "use the secrets endpoint for secrets in this stand-in");
    }
    const previous = state.scripts.get(params[1]!);
    const keepSecrets = (meta.keep_bindings ?? []).includes("secret_text");
    const s: Script = {
      id: params[1]!,
      metadata: { main_module: meta.main_module, compatibility_date: meta.compatibility_date, bindings: meta.bindings },
      modules,
      secrets: keepSecrets && previous ? previous.secrets : new Map(),
      schedules: previous?.schedules ?? [],
      subdomain_enabled: previous?.subdomain_enabled ?? false,
    };
    state.scripts.set(s.id, s);
    return { id: s.id, modified_on: now() };
  });
  on("DELETE", `${A}/workers/scripts/:name`, ({ params }) => {
    scriptOf(params[1]!);
    state.scripts.delete(params[1]!);
    for (const [id, r] of state.routes) if (r.script === params[1]) state.routes.delete(id);
    return null;
  });
  on("GET", `${A}/workers/scripts/:name/settings`, ({ params }) => scriptSettings(scriptOf(params[1]!)));
  on("GET", `${A}/workers/scripts/:name/secrets`, ({ params }) => [...scriptOf(params[1]!).secrets.keys()].map((name) => ({ name, type: "secret_text" })));
  on("PUT", `${A}/workers/scripts/:name/secrets`, ({ params, body }) => {
    const s = scriptOf(params[1]!);
    const b = jsonBody(body);
    const name = str(b, "name")!;
    const text = str(b, "text")!;
    if (b.type !== "secret_text") fail(400, 10021, "type must be secret_text");
    s.secrets.set(name, text);
    return { name, type: "secret_text" };
  });
  on("GET", `${A}/workers/scripts/:name/schedules`, ({ params }) => ({ schedules: scriptOf(params[1]!).schedules }));
  on("PUT", `${A}/workers/scripts/:name/schedules`, ({ params, body }) => {
    const s = scriptOf(params[1]!);
    if (!Array.isArray(body) || !body.every((c) => isObject(c) && typeof c.cron === "string")) fail(400, 10021, "body must be [{cron}]");
    s.schedules = (body as { cron: string }[]).map((c) => ({ cron: c.cron }));
    return { schedules: s.schedules };
  });
  on("GET", `${A}/workers/subdomain`, () => ({ subdomain }));
  on("GET", `${A}/workers/scripts/:name/subdomain`, ({ params }) => ({ enabled: scriptOf(params[1]!).subdomain_enabled, previews_enabled: false }));
  on("POST", `${A}/workers/scripts/:name/subdomain`, ({ params, body }) => {
    const s = scriptOf(params[1]!);
    const b = jsonBody(body);
    if (typeof b.enabled !== "boolean") fail(400, 10021, "enabled must be a boolean");
    s.subdomain_enabled = b.enabled as boolean;
    return { enabled: s.subdomain_enabled, previews_enabled: false };
  });

  // --- worker routes ---
  on("GET", `zones/:zone/workers/routes`, ({ params }) => [...state.routes.values()].filter((r) => r.zone_id === zoneOf(params[0]!).id).map(({ id, pattern, script }) => ({ id, pattern, script })));
  on("POST", `zones/:zone/workers/routes`, ({ params, body }) => {
    const z = zoneOf(params[0]!);
    const b = jsonBody(body);
    const pattern = str(b, "pattern")!;
    const script = str(b, "script")!;
    if (!pattern.includes(z.name)) fail(400, 10022, `route pattern ${pattern} is not on zone ${z.name}`);
    if ([...state.routes.values()].some((r) => r.zone_id === z.id && r.pattern === pattern)) fail(409, 10020, "A route with the same pattern already exists.");
    const r = { id: randomBytes(16).toString("hex"), zone_id: z.id, pattern, script };
    state.routes.set(r.id, r);
    return { id: r.id, pattern, script };
  });
  on("DELETE", `zones/:zone/workers/routes/:id`, ({ params }) => {
    const r = state.routes.get(params[1]!);
    if (!r || r.zone_id !== zoneOf(params[0]!).id) fail(404, 10023, "route not found");
    state.routes.delete(r!.id);
    return { id: r!.id };
  });

  // --- cache rules (zone entry point ruleset of phase http_request_cache_settings) ---
  on("GET", `zones/:zone/rulesets/phases/http_request_cache_settings/entrypoint`, ({ params }) => {
    return state.rulesets.get(zoneOf(params[0]!).id) ?? fail(404, 10003, "could not find entrypoint ruleset in the http_request_cache_settings phase");
  });
  on("PUT", `zones/:zone/rulesets/phases/http_request_cache_settings/entrypoint`, ({ params, body }) => {
    const z = zoneOf(params[0]!);
    const b = jsonBody(body);
    if (!Array.isArray(b.rules)) fail(400, 20021, "rules must be an array");
    const rules = (b.rules as unknown[]).map((r, i) => {
      if (!isObject(r) || r.action !== "set_cache_settings" || typeof r.expression !== "string") fail(400, 20021, `rules[${i}] must have action set_cache_settings and an expression`);
      const id = (r as { id?: unknown }).id;
      return { ...(r as unknown as Rule), id: typeof id === "string" ? id : randomBytes(16).toString("hex") };
    });
    const prev = state.rulesets.get(z.id);
    const rs = { id: prev?.id ?? randomBytes(16).toString("hex"), kind: "zone", name: "default", phase: "http_request_cache_settings", rules };
    state.rulesets.set(z.id, rs);
    return rs;
  });

  // --- account-owned API tokens ---
  on("GET", `${A}/tokens/permission_groups`, () => PERMISSION_GROUPS);
  on("GET", `${A}/tokens`, () => [...state.tokens.values()].map(({ value: _v, ...t }) => t));
  on("POST", `${A}/tokens`, ({ body }) => {
    const b = jsonBody(body);
    const t: ApiToken = { id: randomBytes(16).toString("hex"), name: str(b, "name")!, policies: checkPolicies(b.policies), value: randomBytes(30).toString("base64url"), status: "active" };
    state.tokens.set(t.id, t);
    return t;
  });
  on("PUT", `${A}/tokens/:id`, ({ params, body }) => {
    const t = state.tokens.get(params[1]!) ?? fail(404, 1000, "token not found");
    const b = jsonBody(body);
    t.name = str(b, "name")!;
    t.policies = checkPolicies(b.policies);
    const { value: _v, ...view } = t;
    return view;
  });
  on("PUT", `${A}/tokens/:id/value`, ({ params }) => {
    const t = state.tokens.get(params[1]!) ?? fail(404, 1000, "token not found");
    t.value = randomBytes(30).toString("base64url");
    return t.value;
  });
  on("DELETE", `${A}/tokens/:id`, ({ params }) => {
    if (!state.tokens.delete(params[1]!)) fail(404, 1000, "token not found");
    return { id: params[1] };
  });

  const send = (res: ServerResponse, status: number, payload: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://standin");
        const path = url.pathname.replace(/^\/client\/v4\//, "");
        const raw = Buffer.concat(chunks);
        const isJson = (req.headers["content-type"] ?? "").startsWith("application/json");
        let body: unknown = raw.length ? (isJson ? undefined : `<${raw.length} bytes>`) : undefined;
        const call: RecordedCall = { method: req.method ?? "GET", path, query: Object.fromEntries(url.searchParams), body, status: 0 };
        calls.push(call);
        const reply = (status: number, payload: unknown) => {
          call.status = status;
          send(res, status, payload);
        };
        try {
          if (!url.pathname.startsWith("/client/v4/")) fail(404, 7000, "No route for that URI");
          if (req.headers.authorization !== `Bearer ${options.token}`) fail(401, 10000, "Authentication error");
          if (isJson && raw.length) {
            try {
              call.body = body = JSON.parse(raw.toString("utf8"));
            } catch {
              fail(400, 6007, "Malformed JSON in request body");
            }
          }
          const failure = failures.findIndex((f) => f.method === call.method && f.path.test(path));
          if (failure >= 0) {
            const f = failures.splice(failure, 1)[0]!;
            throw new ApiFailure(f.status, f.errors);
          }
          const candidates = routes.filter((r) => r.pattern.test(path));
          if (candidates.length === 0) fail(404, 7003, "Could not route to " + url.pathname + ", perhaps your object identifier is invalid?");
          const route = candidates.find((r) => r.method === call.method) ?? fail(405, 7001, "Method not allowed for this endpoint");
          const params = route!.pattern.exec(path)!.slice(1);
          if (path.startsWith("accounts/") && params[0] !== options.accountId) fail(403, 9109, "Unauthorized to access requested resource");
          const result = await route!.handler({ params, query: url.searchParams, body, req, raw });
          const list = Array.isArray(result);
          reply(200, { success: true, errors: [], messages: [], result, ...(list ? { result_info: { page: 1, per_page: result.length, count: result.length, total_count: result.length, total_pages: 1 } } : {}) });
        } catch (err) {
          if (err instanceof ApiFailure) reply(err.status, { success: false, errors: err.errors, messages: [], result: null });
          else reply(500, { success: false, errors: [{ code: 10500, message: String(err) }], messages: [], result: null });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    calls,
    writes: () => calls.filter((c) => c.method !== "GET" && c.status >= 200 && c.status < 300),
    state,
    failNext(method, path, status, errors) {
      failures.push({ method, path, status, errors });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

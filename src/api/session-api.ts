// The session API under /linkup/v1 (docs/architecture.md, "Session API"), written once as a hono
// app and mounted by both hosts: the worker (src/worker/index.ts) and the local server's admin
// listener (src/daemon/admin/, through @hono/node-server). Validation, version rules and
// preconditions are the core's (parsePutBody, planPut, planDelete, withTunnelUrl); this file adapts
// them to HTTP. What differs per host arrives as hooks: the store, the token, what a write must
// refresh (the worker's session cache, the daemon's registry), the tunnel start (worker only), the
// clock, the error log, and the host's own endpoints (the daemon's /status and /tunnel).
import { Hono, type Context, type Env, type Handler } from "hono";
import { DRY_RUN_HEADER, checkAnswer, etagOf, isDryRunRequest, type SessionList, type TunnelStart } from "../core/api.js";
import { parsePreconditions } from "../core/api-request.js";
import { ConfigError, LinkupError } from "../core/errors.js";
import { isDnsLabel } from "../core/session-name.js";
import { parsePutBody, specHash, type SessionRecord } from "../core/session.js";
import { planDelete, planPut, withTunnelUrl, type DeleteDecision, type PutDecision, type Preconditions } from "../core/versioned-write.js";
import type { SessionStore } from "../store/session-store.js";
import { updateSession } from "../store/update-session.js";
import { apiError, jsonAnswer, noContent } from "./api-error.js";
import { requireAuth, type ApiAuth } from "./auth.js";
import { readJsonBody } from "./limited-body.js";

export type ApiMethod = "GET" | "PUT" | "POST" | "DELETE";

/** A host-only endpoint served beside the session API, behind the same guards (path relative to /linkup/v1). */
export interface ApiEndpoint<E extends Env> {
  path: string;
  methods: Partial<Record<ApiMethod, (c: Context<E>) => Response | Promise<Response>>>;
}

export interface SessionApiOptions<E extends Env> {
  /** What the host is called in messages: "worker", "local server". */
  label: string;
  /** The token and how to name it; per request, because the worker reads it from its bindings. */
  auth: (c: Context<E>) => ApiAuth;
  /**
   * The session store. Writes go through its atomic `update` when it has one (the local file
   * store's lock), else through get + put (Workers KV).
   */
  store: (c: Context<E>) => SessionStore;
  /** After a write landed: `record` is the new one, null after a delete (cache invalidation, registry apply). */
  onWrite?: (c: Context<E>, name: string, record: SessionRecord | null) => void;
  /** Provisions (or refreshes) a session's tunnel; without it `/sessions/:name/tunnel` is 404. */
  startTunnel?: (c: Context<E>, name: string, now: number) => Promise<TunnelStart>;
  /** Epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Unexpected failures, before the 500 answer (which carries the message only). */
  onError?: (error: unknown, c: Context<E>) => void;
  /** The host's own endpoints, e.g. the local server's /status and /tunnel. */
  endpoints?: ApiEndpoint<E>[];
}

function invalidName(name: string): Response {
  return apiError(400, "invalid-session-name", `invalid session name "${name.slice(0, 80)}": use a DNS label (a-z, 0-9, '-', at most 63 characters)`);
}

function notFound(name: string): Response {
  return apiError(404, "session-not-found", `session ${name} does not exist`);
}

function recordAnswer(record: SessionRecord, status: number, dryRun = false): Response {
  return jsonAnswer(record, status, { etag: etagOf(record.version), ...(dryRun ? { [DRY_RUN_HEADER]: "1" } : {}) });
}

/** If-Match / If-None-Match as core Preconditions, or the 400 answer. */
function preconditionsOf(c: Context): { ok: true; pre: Preconditions } | { ok: false; response: Response } {
  const r = parsePreconditions(c.req.header("if-match"), c.req.header("if-none-match"));
  return r.ok ? r : { ok: false, response: apiError(400, r.code, r.message) };
}

/** The session name from the path, or the 400 answer. */
function nameOf(c: Context): { ok: true; name: string } | { ok: false; response: Response } {
  const name = c.req.param("name") ?? "";
  return isDnsLabel(name) ? { ok: true, name } : { ok: false, response: invalidName(name) };
}

/** The session API, to be mounted at API_PREFIX (`app.route(API_PREFIX, sessionApi(...))`). */
export function sessionApi<E extends Env>(options: SessionApiOptions<E>): Hono<E> {
  const now = options.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const wrote = (c: Context<E>, name: string, record: SessionRecord | null) => options.onWrite?.(c, name, record);

  const getSession = async (c: Context<E>) => {
    const n = nameOf(c);
    if (!n.ok) return n.response;
    const record = await options.store(c).get(n.name);
    return record ? recordAnswer(record, 200) : notFound(n.name);
  };

  const putSession = async (c: Context<E>) => {
    const n = nameOf(c);
    if (!n.ok) return n.response;
    const name = n.name;
    const pre = preconditionsOf(c);
    if (!pre.ok) return pre.response;
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = parsePutBody(name, body.value);
    if (!parsed.ok) return apiError(400, "invalid-session", parsed.message);
    const hash = await specHash(parsed.body.spec);
    const at = iso();
    const dryRun = isDryRunRequest(c.req.url);
    // The precondition is checked and the record written in one step where the store can. A dry
    // run (`?dry_run=1`) decides the same way and writes nothing: no store, no onWrite.
    const decision = await updateSession<PutDecision>(options.store(c), name, (current) => {
      const d = planPut(name, current, parsed.body, hash, at, pre.pre);
      return { next: d.kind === "write" && !dryRun ? d.record : undefined, result: d };
    });
    if (decision.kind === "precondition-failed")
      return apiError(412, "precondition-failed", decision.message, decision.current ? { etag: etagOf(decision.current.version) } : {});
    if (dryRun) return recordAnswer(decision.record, decision.created ? 201 : 200, true);
    wrote(c, name, decision.record);
    return recordAnswer(decision.record, decision.created ? 201 : 200);
  };

  const deleteSession = async (c: Context<E>) => {
    const n = nameOf(c);
    if (!n.ok) return n.response;
    const name = n.name;
    const pre = preconditionsOf(c);
    if (!pre.ok) return pre.response;
    const dryRun = isDryRunRequest(c.req.url);
    const decision = await updateSession<DeleteDecision>(options.store(c), name, (current) => {
      const d = planDelete(name, current, pre.pre);
      return { next: d.kind === "delete" && !dryRun ? null : undefined, result: d };
    });
    if (decision.kind === "not-found") return notFound(name);
    if (decision.kind === "precondition-failed")
      return apiError(412, "precondition-failed", decision.message, { etag: etagOf(decision.current.version) });
    if (dryRun) return noContent({ [DRY_RUN_HEADER]: "1" });
    wrote(c, name, null);
    return noContent();
  };

  const postTunnel = (startTunnel: NonNullable<SessionApiOptions<E>["startTunnel"]>) => async (c: Context<E>) => {
    const n = nameOf(c);
    if (!n.ok) return n.response;
    const name = n.name;
    const store = options.store(c);
    const record = await store.get(name);
    if (!record) return notFound(name);
    if (record.spec.type === "preview")
      return apiError(400, "preview-has-no-tunnel", `session ${name} is a preview session: preview sessions live in the worker alone and have no tunnel`);
    let started: TunnelStart;
    try {
      started = await startTunnel(c, name, now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof LinkupError ? err.code : "tunnel-failed";
      // A provider misconfigured on this host is its own fault (500); a provider API failing is upstream (502).
      return apiError(err instanceof ConfigError ? 500 : 502, code, `could not start the tunnel of session ${name}: ${message}`);
    }
    const at = iso();
    // Re-read in the write step: a session deleted meanwhile stays deleted.
    const updated = await updateSession(store, name, (current) => {
      const next = current && withTunnelUrl(current, started.tunnel_url, at);
      return next && next !== current ? { next, result: next } : { next: undefined, result: undefined };
    });
    if (updated) wrote(c, name, updated);
    const answer: TunnelStart = { tunnel_url: started.tunnel_url, hostname: started.hostname, run_token: started.run_token };
    return jsonAnswer(answer);
  };

  const endpoints: ApiEndpoint<E>[] = [
    { path: "/check", methods: { GET: () => jsonAnswer(checkAnswer()) } },
    {
      path: "/sessions",
      methods: {
        GET: async (c) => {
          const list: SessionList = { sessions: await options.store(c).list() };
          return jsonAnswer(list);
        },
      },
    },
    { path: "/sessions/:name", methods: { GET: getSession, PUT: putSession, DELETE: deleteSession } },
    ...(options.startTunnel ? [{ path: "/sessions/:name/tunnel", methods: { POST: postTunnel(options.startTunnel) } }] : []),
    ...(options.endpoints ?? []),
  ];

  const api = new Hono<E>();
  api.use("*", requireAuth(options.auth));
  if (!options.startTunnel)
    // No tunnel hook: every method on the tunnel path gets the same 404 (after the name check).
    api.all("/sessions/:name/tunnel", (c) => {
      const n = nameOf(c);
      if (!n.ok) return n.response;
      return apiError(404, "not-found", `tunnels are started through the worker's API; the ${options.label} has no tunnel endpoint`);
    });
  for (const endpoint of endpoints) {
    const methods = Object.entries(endpoint.methods) as [ApiMethod, Handler<E>][];
    for (const [method, handler] of methods) api.on(method, endpoint.path, handler);
    // Known path, other method: 405 naming what is allowed.
    const allow = methods.map(([m]) => m).join(", ");
    api.all(endpoint.path, (c) => apiError(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, { allow }));
  }
  api.all("*", (c) => apiError(404, "not-found", `no Linkup API endpoint at ${new URL(c.req.url).pathname.slice(0, 200)}`));

  api.onError((err, c) => {
    options.onError?.(err, c);
    // Message only (no stack, no headers): nothing request-supplied such as the token is echoed.
    const message = err instanceof Error ? err.message : String(err);
    return apiError(500, "internal", `the ${options.label} failed: ${message}`);
  });
  return api;
}

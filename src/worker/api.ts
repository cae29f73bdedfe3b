// The session API under /linkup/v1 (docs/architecture.md, "Session API"): list, get, put, delete,
// check, and tunnel start. Validation, version rules and preconditions are the core's
// (parsePutBody, planPut, planDelete, withTunnelUrl); this file only adapts them to HTTP and KV.
// Every write invalidates this isolate's session cache so the proxy sees it at once.
import { Hono, type Context } from "hono";
import { API_VERSION, MAX_BODY_BYTES, etagOf, type SessionList, type TunnelStart } from "../core/api.js";
import { isDnsLabel } from "../core/session-name.js";
import { parsePutBody, specHash, type SessionRecord } from "../core/session.js";
import { planDelete, planPut, withTunnelUrl, type Preconditions } from "../core/versioned-write.js";
import { ConfigError, LinkupError } from "../core/errors.js";
import { apiError } from "./api-error.js";
import { requireAuth } from "./auth.js";
import type { AppEnv } from "./env.js";
import { limitedBodyProblem, readLimitedBody } from "./limited-body.js";
import type { SessionCache } from "./session-cache.js";
import type { TunnelKeys } from "./tunnel-keys.js";
import { sessionStoreOf } from "./sessions.js";
import { tunnelProviderFromEnv } from "./tunnels/from-env.js";
import { startTunnel } from "./tunnels/tunnel-store.js";
import { parsePreconditions } from "../core/api-request.js";

type Ctx = Context<AppEnv>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function invalidName(name: string): Response {
  return apiError(400, "invalid-session-name", `invalid session name "${name.slice(0, 80)}": use a DNS label (a-z, 0-9, '-', at most 63 characters)`);
}

/** If-Match / If-None-Match as core Preconditions (read by the same core code as the local admin API). */
function preconditionsOf(c: Ctx): { ok: true; pre: Preconditions } | { ok: false; response: Response } {
  const r = parsePreconditions(c.req.header("if-match"), c.req.header("if-none-match"));
  return r.ok ? r : { ok: false, response: apiError(400, r.code, r.message) };
}

function recordResponse(record: SessionRecord, status: number): Response {
  return json(record, status, { etag: etagOf(record.version) });
}

export function sessionApi(cache: SessionCache, tunnelKeys: TunnelKeys): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  api.use("*", requireAuth());

  api.get("/check", () => json({ ok: true, version: API_VERSION }));

  api.get("/sessions", async (c) => {
    const list: SessionList = { sessions: await sessionStoreOf(c.env).list() };
    return json(list);
  });

  api.get("/sessions/:name", async (c) => {
    const name = c.req.param("name");
    if (!isDnsLabel(name)) return invalidName(name);
    const record = await sessionStoreOf(c.env).get(name);
    if (!record) return apiError(404, "session-not-found", `session ${name} does not exist`);
    return recordResponse(record, 200);
  });

  api.put("/sessions/:name", async (c) => {
    const name = c.req.param("name");
    if (!isDnsLabel(name)) return invalidName(name);
    const pre = preconditionsOf(c);
    if (!pre.ok) return pre.response;
    const raw = await readLimitedBody(c.req.raw, MAX_BODY_BYTES);
    if (!raw.ok) return limitedBodyProblem(raw.reason);
    let input: unknown;
    try {
      input = JSON.parse(raw.text);
    } catch (err) {
      return apiError(400, "invalid-json", `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = parsePutBody(name, input);
    if (!parsed.ok) return apiError(400, "invalid-session", parsed.message);
    const store = sessionStoreOf(c.env);
    // KV has no compare-and-swap: two writers racing within KV's propagation delay can still both
    // pass this check. If-Match catches every conflict that is visible to this read.
    const current = await store.get(name);
    const decision = planPut(name, current, parsed.body, await specHash(parsed.body.spec), new Date().toISOString(), pre.pre);
    if (decision.kind === "precondition-failed")
      return apiError(412, "precondition-failed", decision.message, decision.current ? { etag: etagOf(decision.current.version) } : {});
    await store.put(decision.record);
    cache.invalidate(name);
    return recordResponse(decision.record, decision.created ? 201 : 200);
  });

  api.delete("/sessions/:name", async (c) => {
    const name = c.req.param("name");
    if (!isDnsLabel(name)) return invalidName(name);
    const pre = preconditionsOf(c);
    if (!pre.ok) return pre.response;
    const store = sessionStoreOf(c.env);
    const decision = planDelete(name, await store.get(name), pre.pre);
    if (decision.kind === "not-found") return apiError(404, "session-not-found", `session ${name} does not exist`);
    if (decision.kind === "precondition-failed")
      return apiError(412, "precondition-failed", decision.message, { etag: etagOf(decision.current.version) });
    await store.delete(name);
    cache.invalidate(name);
    return new Response(null, { status: 204 });
  });

  api.post("/sessions/:name/tunnel", async (c) => {
    const name = c.req.param("name");
    if (!isDnsLabel(name)) return invalidName(name);
    const store = sessionStoreOf(c.env);
    const record = await store.get(name);
    if (!record) return apiError(404, "session-not-found", `session ${name} does not exist`);
    if (record.spec.type === "preview")
      return apiError(400, "preview-has-no-tunnel", `session ${name} is a preview session: preview sessions live in the worker alone and have no tunnel`);
    let started;
    try {
      started = await startTunnel(c.env.LINKUP_TUNNELS, tunnelProviderFromEnv(c.env), name, Date.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof LinkupError ? err.code : "tunnel-failed";
      // A provider misconfigured on this worker is its own fault (500); a provider API failing is upstream (502).
      return apiError(err instanceof ConfigError ? 500 : 502, code, `could not start the tunnel of session ${name}: ${message}`);
    }
    const updated = withTunnelUrl(record, started.record.tunnel_url, new Date().toISOString());
    if (updated !== record) {
      await store.put(updated);
      cache.invalidate(name);
    }
    tunnelKeys.invalidate(name);
    const answer: TunnelStart = {
      tunnel_url: started.record.tunnel_url,
      hostname: started.record.hostname,
      run_token: started.run_token,
      tunnel_secret: started.record.signing_secret,
    };
    return json(answer);
  });

  // Known paths with another method: 405 naming what is allowed; anything else under the prefix: 404.
  const allowed: [string, string][] = [
    ["/check", "GET"],
    ["/sessions", "GET"],
    ["/sessions/:name", "GET, PUT, DELETE"],
    ["/sessions/:name/tunnel", "POST"],
  ];
  for (const [path, allow] of allowed)
    api.all(path, (c) => apiError(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, { allow }));
  api.all("*", (c) => apiError(404, "not-found", `no Linkup API endpoint at ${new URL(c.req.url).pathname}`));
  return api;
}

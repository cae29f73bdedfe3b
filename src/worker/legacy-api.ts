// Mentimeter's session endpoints on this worker, so its CLIs and this project's CLI can share one
// worker while a team moves over one laptop at a time (docs/migrating.md):
//
//   POST /linkup/local-session         v1: tunneled session, answers the name as text
//   POST /linkup/preview-session       v1: preview session, answers the name as text
//   POST /linkup/v2/sessions/preview   v2: {session_name}, 409 when another owner holds the name
//   POST /linkup/v2/sessions/tunneled  v2: {session_name, tunnel_data}, the tunnel started first
//   GET  /linkup/tunnel?session_name=  v1: tunnel_data of a session's tunnel
//   GET  /linkup/no-tunnel             always 422 (where Mentimeter sends services of a session without tunnel)
//
// With Mentimeter's checks: the bearer token (a bare token is accepted too, compared in constant
// time) and, on local-session, its minimum CLI version. Requests are parsed and mapped by the core
// (legacy-session.ts) and written through the same store, version numbers and ETags as the
// /linkup/v1 API, so the new CLI sees these sessions like any other. Answers are plain text, as
// Mentimeter's are, except the v2 successes (JSON).
import { Hono, type Context } from "hono";
import { MAX_BODY_BYTES, etagOf } from "../core/api.js";
import { ConfigError, LinkupError } from "../core/errors.js";
import {
  LEGACY_TUNNEL_INGRESS,
  isLoopbackLocation,
  legacyOwner,
  legacySixCharName,
  legacySpec,
  legacyVersionProblem,
  parseLegacyUpsert,
  type LegacyUpsert,
} from "../core/legacy-session.js";
import { specHash, type SessionRecord, type SessionSpec } from "../core/session.js";
import { generateSessionName, isDnsLabel } from "../core/session-name.js";
import { planPut } from "../core/versioned-write.js";
import { readLimitedBody } from "../api/limited-body.js";
import { tokensEqual } from "../api/token.js";
import { isExpired } from "../core/duration.js";
import { updateSession } from "../store/update-session.js";
import type { AppEnv, Env } from "./env.js";
import type { SessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import { tunnelProviderFromEnv } from "./tunnels/from-env.js";
import { startTunnel } from "./tunnels/tunnel-store.js";
import { tunnelName } from "./tunnels/tunnel-provider.js";

type Ctx = Context<AppEnv>;

/** Mentimeter's TunnelData (`last_started` in epoch milliseconds). */
export interface LegacyTunnelData {
  account_id: string;
  name: string;
  url: string;
  id: string;
  secret: string;
  last_started: number;
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });
}

function json(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** Mentimeter strips `Bearer ` and compares the rest, so both `Bearer <token>` and a bare token pass. */
function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const v = header.trim();
  const m = /^Bearer[ \t]+(\S+)$/i.exec(v);
  if (m) return m[1];
  return /^\S+$/.test(v) ? v : undefined;
}

async function authProblem(c: Ctx): Promise<Response | undefined> {
  const expected = c.env.WORKER_TOKEN;
  if (!expected) return text(500, "This worker has no WORKER_TOKEN configured, so its API is closed.");
  const given = presentedToken(c.req.header("authorization"));
  if (given === undefined) return text(401, "Missing authorization header: send `Authorization: Bearer <worker token>`.");
  if (!(await tokensEqual(given, expected))) return text(401, "The worker token is wrong.");
  return undefined;
}

type Parsed = { ok: true; request: LegacyUpsert } | { ok: false; response: Response };

/** Mentimeter's body rules: JSON content type (415), well-formed JSON (400), its request shape (422). */
async function readUpsert(c: Ctx): Promise<Parsed> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) return { ok: false, response: text(415, "Expected a request with Content-Type: application/json.") };
  const body = await readLimitedBody(c.req.raw, MAX_BODY_BYTES);
  if (!body.ok)
    return {
      ok: false,
      response: body.reason === "too-large" ? text(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`) : text(400, "The request body is not valid UTF-8."),
    };
  let input: unknown;
  try {
    input = JSON.parse(body.text);
  } catch (err) {
    return { ok: false, response: text(400, `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`) };
  }
  const parsed = parseLegacyUpsert(input);
  if (!parsed.ok) return { ok: false, response: text(422, `Failed to parse the session request: ${parsed.message}.`) };
  return { ok: true, request: parsed.request };
}

function invalidSession(message: string): Response {
  return text(400, `Invalid session: ${message} - Worker`);
}

export function legacyApi(cache: SessionCache): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  /** Who holds a session: nobody (absent or expired), the caller (same token), or someone else. */
  function holderOf(current: SessionRecord | undefined, owner: string): "free" | "caller" | "other" {
    if (current === undefined || isExpired(current, Date.now())) return "free";
    return current.managed_by === owner ? "caller" : "other";
  }

  async function holder(env: Env, name: string, owner: string): Promise<"free" | "caller" | "other"> {
    return holderOf(await sessionStoreOf(env).get(name), owner);
  }

  /**
   * Writes `spec` as session `name` for `owner` with the version rules of the /linkup/v1 API;
   * undefined when, at the moment of writing, someone else holds the name.
   */
  async function write(env: Env, name: string, spec: SessionSpec, owner: string, tunnelUrl?: string): Promise<SessionRecord | undefined> {
    const hash = await specHash(spec);
    const now = new Date().toISOString();
    const record = await updateSession(sessionStoreOf(env), name, (current) => {
      if (holderOf(current, owner) === "other") return { next: undefined, result: undefined };
      // An expired session is replaced as if it were not there (a fresh version 1).
      const base = current && isExpired(current, Date.now()) ? undefined : current;
      const decision = planPut(name, base, { spec, managed_by: owner }, hash, now, {});
      if (decision.kind !== "write") throw new LinkupError("legacy-write-refused", decision.message);
      // The tunnel URL rides along in the same write: one request, one version.
      const next = tunnelUrl === undefined ? decision.record : { ...decision.record, tunnel_url: tunnelUrl };
      return { next, result: next };
    });
    if (record) cache.invalidate(name);
    return record;
  }

  async function freshAnimalName(env: Env): Promise<string> {
    const store = sessionStoreOf(env);
    return generateSessionName(async (n) => (await store.get(n)) !== undefined);
  }

  /** The tunnel of session `name`, as Mentimeter's TunnelData. */
  async function legacyTunnel(env: Env, name: string): Promise<{ ok: true; data: LegacyTunnelData } | { ok: false; response: Response }> {
    let provider;
    try {
      provider = tunnelProviderFromEnv(env);
    } catch (err) {
      return { ok: false, response: text(500, `Failed to upsert tunnel: ${err instanceof Error ? err.message : String(err)}`) };
    }
    if (provider.kind !== "cloudflare")
      return {
        ok: false,
        response: text(501, "This worker's tunnel provider is `direct` (the embedded default); Mentimeter's CLI needs a worker deployed with TUNNEL_PROVIDER=cloudflare."),
      };
    let started;
    try {
      started = await startTunnel(env.LINKUP_TUNNELS, provider, name, Date.now(), LEGACY_TUNNEL_INGRESS);
    } catch (err) {
      const status = err instanceof ConfigError ? 400 : 500;
      return { ok: false, response: text(status, `Failed to upsert tunnel: ${err instanceof Error ? err.message : String(err)}`) };
    }
    // A cloudflared run token is base64 JSON {a: account, t: tunnel id, s: secret}; Mentimeter's CLI wants the parts.
    let parts: { a?: unknown; t?: unknown; s?: unknown } = {};
    try {
      parts = JSON.parse(atob(started.run_token ?? "")) as typeof parts;
    } catch {
      parts = {};
    }
    if (typeof parts.s !== "string" || typeof parts.a !== "string")
      return { ok: false, response: text(502, "Failed to upsert tunnel: Cloudflare returned no usable tunnel token.") };
    return {
      ok: true,
      data: {
        account_id: parts.a,
        name: tunnelName(name),
        url: started.record.tunnel_url,
        id: started.record.tunnel_id,
        secret: parts.s,
        last_started: started.record.last_started,
      },
    };
  }

  // v1: a tunneled session under the desired name when it is free or already the caller's, else
  // under a fresh name (v1 never answers a conflict; the CLI uses whatever name comes back).
  api.post("/local-session", async (c) => {
    const version = legacyVersionProblem(c.req.header("x-linkup-version"));
    if (version) return text(401, version);
    const denied = await authProblem(c);
    if (denied) return denied;
    const parsed = await readUpsert(c);
    if (!parsed.ok) return parsed.response;
    const req = parsed.request;
    const spec = legacySpec(req, "tunneled", { localThroughTunnel: false });
    if (!spec.ok) return invalidSession(spec.message);
    const owner = await legacyOwner(req.sessionToken);
    const desired = req.desiredName ?? "";
    const name = isDnsLabel(desired) && (await holder(c.env, desired, owner)) !== "other" ? desired : await freshAnimalName(c.env);
    const record = await write(c.env, name, spec.spec, owner);
    if (!record) return text(409, "Conflict");
    return text(200, name, { etag: etagOf(record.version) });
  });

  // v1: a preview under the desired name only if the caller already holds it, else under the
  // request's deterministic six-character name.
  api.post("/preview-session", async (c) => {
    const denied = await authProblem(c);
    if (denied) return denied;
    const parsed = await readUpsert(c);
    if (!parsed.ok) return parsed.response;
    const req = parsed.request;
    const spec = legacySpec(req, "preview", { localThroughTunnel: false });
    if (!spec.ok) return invalidSession(spec.message);
    const owner = await legacyOwner(req.sessionToken);
    const desired = req.desiredName ?? "";
    const name = isDnsLabel(desired) && (await holder(c.env, desired, owner)) === "caller" ? desired : await legacySixCharName(req, "preview");
    // The hash includes the token, so another owner on it means a collision with a session of this CLI.
    const record = await write(c.env, name, spec.spec, owner);
    if (!record) return text(409, "Conflict");
    return text(200, name, { etag: etagOf(record.version) });
  });

  /** v2 naming: the desired name (Named) or a generated one (Unnamed), then a strict ownership check. */
  async function v2Name(env: Env, req: LegacyUpsert, owner: string, type: "preview" | "tunneled"): Promise<{ ok: true; name: string } | { ok: false; response: Response }> {
    let name: string;
    if (req.desiredName !== undefined) {
      if (!isDnsLabel(req.desiredName))
        return {
          ok: false,
          response: text(400, `Invalid session name "${req.desiredName.slice(0, 80)}": use a DNS label (a-z, 0-9, '-', at most 63 characters).`),
        };
      name = req.desiredName;
    } else {
      name = req.nameKind === "animal" ? await freshAnimalName(env) : await legacySixCharName(req, type);
    }
    if ((await holder(env, name, owner)) === "other") return { ok: false, response: text(409, "Conflict") };
    return { ok: true, name };
  }

  api.post("/v2/sessions/preview", async (c) => {
    const denied = await authProblem(c);
    if (denied) return denied;
    const parsed = await readUpsert(c);
    if (!parsed.ok) return parsed.response;
    const req = parsed.request;
    const spec = legacySpec(req, "preview", { localThroughTunnel: false });
    if (!spec.ok) return invalidSession(spec.message);
    const local = req.services.find((s) => isLoopbackLocation(s.location));
    if (local) return text(400, `Preview sessions cannot have services on localhost: ${local.name} is at ${local.location}.`);
    const owner = await legacyOwner(req.sessionToken);
    const named = await v2Name(c.env, req, owner, "preview");
    if (!named.ok) return named.response;
    const record = await write(c.env, named.name, spec.spec, owner);
    if (!record) return text(409, "Conflict");
    return json({ session_name: named.name }, { etag: etagOf(record.version) });
  });

  api.post("/v2/sessions/tunneled", async (c) => {
    const denied = await authProblem(c);
    if (denied) return denied;
    const parsed = await readUpsert(c);
    if (!parsed.ok) return parsed.response;
    const req = parsed.request;
    const spec = legacySpec(req, "tunneled", { localThroughTunnel: true });
    if (!spec.ok) return invalidSession(spec.message);
    const owner = await legacyOwner(req.sessionToken);
    // Ownership before the tunnel: a caller who cannot have the name must not start its tunnel.
    const named = await v2Name(c.env, req, owner, "tunneled");
    if (!named.ok) return named.response;
    const tunnel = await legacyTunnel(c.env, named.name);
    if (!tunnel.ok) return tunnel.response;
    const record = await write(c.env, named.name, spec.spec, owner, tunnel.data.url);
    if (!record) return text(409, "Conflict");
    return json({ session_name: named.name, tunnel_data: tunnel.data }, { etag: etagOf(record.version) });
  });

  api.get("/tunnel", async (c) => {
    const denied = await authProblem(c);
    if (denied) return denied;
    const name = c.req.query("session_name");
    if (!name) return text(400, "Missing the session_name query parameter.");
    if (!isDnsLabel(name)) return text(400, `Invalid session name "${name.slice(0, 80)}": use a DNS label (a-z, 0-9, '-', at most 63 characters).`);
    const tunnel = await legacyTunnel(c.env, name);
    return tunnel.ok ? json(tunnel.data) : tunnel.response;
  });

  api.get("/no-tunnel", () =>
    text(422, "This service is routed to a local copy, but its session was started without a tunnel, so the worker cannot reach it. - Worker"),
  );

  // Mentimeter's paths with another method: 405 (any other /linkup path is proxied, as there).
  const allowed: [string, string][] = [
    ["/local-session", "POST"],
    ["/preview-session", "POST"],
    ["/v2/sessions/preview", "POST"],
    ["/v2/sessions/tunneled", "POST"],
    ["/tunnel", "GET"],
    ["/no-tunnel", "GET"],
  ];
  for (const [path, allow] of allowed) api.all(path, (c) => text(405, `${c.req.method} is not allowed here; use ${allow}.`, { allow }));
  return api;
}

// Sessions made by hand (`sessions create-preview|create-isolated|delete`). create-isolated and
// delete go through the same planner and writer as `apply`; create-preview is an upsert (CI runs
// it again and again). They carry no managed_by, so `apply --prune` never removes them. Starting
// what they need (ensureRuntime) is the command's step, before these.
import { isDeepStrictEqual } from "node:util";
import type { SessionDeclaration } from "../core/config.js";
import { etagOf } from "../core/api.js";
import { normaliseTtl } from "../core/duration.js";
import { ConfigError, ConflictError, LinkupError } from "../core/errors.js";
import { generateSessionName, isDnsLabel } from "../core/session-name.js";
import { parsePutBody, previewName, type PutSessionBody, type SessionRecord, type SessionSpec } from "../core/session.js";
import { normaliseRecord, readActual } from "../reconcile/actual.js";
import type { ApplyOutcome } from "../reconcile/apply.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { desiredSession, implicitPersonalDeclaration } from "../reconcile/desired.js";
import { planSessions, writePlan } from "../reconcile/reconcile.js";

/** `svc=url` pairs -> routes; every service not named stays remote. */
export function parseRoutePairs(ctx: ReconcileContext, pairs: string[]): Record<string, string> {
  const services = new Set(ctx.loaded.config.services.map((s) => s.name));
  const routes: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError("bad-route-pair", `"${pair}" is not SERVICE=URL`);
    const svc = pair.slice(0, eq);
    const url = pair.slice(eq + 1);
    if (!services.has(svc)) throw new ConfigError("unknown-service", `unknown service "${svc}" (known: ${[...services].join(", ")})`);
    if (!/^https?:\/\/[^/]/.test(url)) throw new ConfigError("bad-route-url", `"${url}" for ${svc} is not an http(s) URL`);
    routes[svc] = url;
  }
  return routes;
}

async function nameOrGenerate(ctx: ReconcileContext, name: string | undefined, sides: Placement[]): Promise<string> {
  if (name !== undefined) {
    if (!isDnsLabel(name)) throw new ConfigError("bad-session-name", `"${name}" is not a valid session name (a-z, 0-9 and '-', at most 63 characters)`);
    return name;
  }
  const actual = await readActual(sides.map((p) => ctx.clients[p]));
  return generateSessionName((n) => actual.sessions.some((s) => s.name === n));
}

export interface PreviewRequest {
  name: string;
  method: "PUT";
  url: string;
  headers: Record<string, string>;
  body: PutSessionBody;
}

export interface PreviewOptions {
  /** `--ttl`: how long the preview lives after this write (default 7 days). */
  ttl?: string;
}

/** The preview's spec and name: the given name, else one derived from what it routes (same routes, same name). */
export async function previewSpec(
  ctx: ReconcileContext,
  name: string | undefined,
  pairs: string[],
  options: PreviewOptions = {},
): Promise<{ name: string; spec: SessionSpec }> {
  if (name !== undefined && !isDnsLabel(name))
    throw new ConfigError("bad-session-name", `"${name}" is not a valid session name (a-z, 0-9 and '-', at most 63 characters)`);
  let ttl: string | undefined;
  if (options.ttl !== undefined) {
    const t = normaliseTtl(options.ttl);
    if (!t.ok) throw new ConfigError("bad-ttl", `--ttl: ${t.message}`);
    ttl = t.ttl;
  }
  const decl: SessionDeclaration = { type: "preview", routes: parseRoutePairs(ctx, pairs), ...(ttl !== undefined ? { ttl } : {}) };
  const spec = desiredSession(ctx.loaded.config, decl, name ?? "preview").spec;
  const finalName = name ?? (await previewName(spec));
  const check = parsePutBody(finalName, { spec, managed_by: null });
  if (!check.ok) throw new ConfigError("bad-preview", check.message);
  return { name: finalName, spec };
}

/**
 * The request `create-preview` sends to the worker (printed by --print-request; the token is never
 * included). The precondition depends on what the worker holds: create-only when the session does
 * not exist (or the worker cannot be read), else If-Match the version read.
 */
export async function previewRequest(ctx: ReconcileContext, name: string | undefined, pairs: string[], options: PreviewOptions = {}): Promise<PreviewRequest> {
  const p = await previewSpec(ctx, name, pairs, options);
  const current = await ctx.clients.worker.get(p.name).catch(() => undefined);
  return {
    name: p.name,
    method: "PUT",
    url: `${ctx.clients.worker.baseUrl}/sessions/${p.name}`,
    headers: { ...(current ? { "if-match": etagOf(current.version) } : { "if-none-match": "*" }), "content-type": "application/json" },
    body: { spec: p.spec, managed_by: current?.managed_by ?? null, ...(current?.owner ? { owner: current.owner } : {}) },
  };
}

export type PreviewResult = "created" | "configured" | "renewed";

export interface PreviewOutcome {
  name: string;
  /** created: new; configured: replaced with other routes; renewed: same routes, expiry moved on. */
  result: PreviewResult;
  record: SessionRecord;
}

/**
 * Creates the preview, or replaces it when it exists (an upsert guarded by the version read: GET,
 * then PUT with If-Match; someone writing in between makes it read and try once more). Every run
 * writes, so every run renews the preview's expiry. A session of that name that is not a preview
 * is left alone. The worker side must be up (ensureRuntime(ctx, ["worker"])).
 */
export async function createPreview(ctx: ReconcileContext, name: string | undefined, pairs: string[], options: PreviewOptions = {}): Promise<PreviewOutcome> {
  const p = await previewSpec(ctx, name, pairs, options);
  const client = ctx.clients.worker;
  for (let attempt = 1; ; attempt++) {
    const current = await client.get(p.name);
    if (current && current.spec.type !== "preview")
      throw new LinkupError("session-not-preview", `session ${p.name} exists and is a ${current.spec.type} session; create-preview only replaces previews`, {
        hint: `pick another name, or \`linkup sessions delete ${p.name}\` first`,
      });
    try {
      // Keep the owners: replacing a preview a config manages (or a person's) must not take it away from them.
      const body = { spec: p.spec, managed_by: current?.managed_by ?? null, ...(current?.owner ? { owner: current.owner } : {}) };
      const r = await client.put(p.name, body, current ? { ifMatch: current.version } : { ifNoneMatch: true });
      const same = current !== undefined && isDeepStrictEqual(normaliseRecord(current, "worker").spec, p.spec);
      return { name: p.name, result: !current ? "created" : same ? "renewed" : "configured", record: r.record };
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= 2) throw e;
    }
  }
}

async function createOne(ctx: ReconcileContext, name: string, decl: SessionDeclaration): Promise<ApplyOutcome> {
  const d = desiredSession(ctx.loaded.config, decl, name);
  const live = await readActual(d.placement.map((p) => ctx.clients[p]));
  const mine = live.sessions.filter((s) => s.name === name);
  if (mine.length > 0) throw new LinkupError("session-exists", `session ${name} already exists`, { hint: `pick another name, or \`linkup sessions delete ${name}\`` });
  const { outcomes } = await writePlan(ctx, planSessions([d], { ...live, sessions: mine }, { prune: false, identity: null }));
  const [outcome] = outcomes;
  if (!outcome || outcome.result === "failed") throw new LinkupError("create-failed", outcome?.error ?? `could not create session ${name}`);
  return outcome;
}

/** An isolated session on the local server (which must be up: ensureRuntime(ctx, ["local"])). */
export async function createIsolated(ctx: ReconcileContext, name: string | undefined): Promise<ApplyOutcome> {
  const finalName = await nameOrGenerate(ctx, name, ["local"]);
  return createOne(ctx, finalName, implicitPersonalDeclaration(ctx.loaded.config, "isolated"));
}

/**
 * Deletes a session from every side that holds it (If-Match the version read). With
 * `ignoreNotFound` a session that no readable side holds is not an error (CI cleaning up after a
 * pull request that never got a preview; CI runs no local server), provided the worker could be
 * read: a worker that cannot be read (down, wrong token) may still hold it. `planOnly` finds the
 * copies and stops (`--dry-run=client`); a context with dry-run clients sends the deletes as
 * server-side dry runs.
 */
export async function deleteSession(
  ctx: ReconcileContext,
  name: string,
  options: { ignoreNotFound?: boolean; planOnly?: boolean } = {},
): Promise<Placement[]> {
  const live = await readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]);
  const mine = live.sessions.filter((s) => s.name === name);
  if (mine.length === 0 && options.ignoreNotFound && !live.unavailable.some((u) => u.placement === "worker")) return [];
  if (mine.length === 0)
    throw new LinkupError("session-not-found", `session ${name} not found${live.unavailable.length ? ` (could not read: ${live.unavailable.map((u) => u.placement).join(", ")})` : ""}`);
  if (options.planOnly) return mine.map((s) => s.placement);
  // A delete by name is an explicit prune of exactly these copies, whoever manages them: plan it
  // as such (same planner, same If-Match writes) under a one-off identity.
  const owned = { ...live, sessions: mine.map((s) => ({ ...s, managed_by: "imperative", owner: null })) };
  const { outcomes } = await writePlan(ctx, planSessions([], owned, { prune: true, identity: "imperative" }));
  const [outcome] = outcomes;
  if (!outcome || outcome.result === "failed") throw new LinkupError("delete-failed", outcome?.error ?? `could not delete session ${name}`);
  return mine.map((s) => s.placement);
}


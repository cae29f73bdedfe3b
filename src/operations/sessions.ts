// Sessions made by hand (`sessions create-preview|create-isolated|delete`), through the same
// planner and writer as `apply`. They carry no managed_by, so `apply --prune` never removes them.
// Starting what they need (ensureRuntime) is the command's step, before these.
import type { SessionDeclaration } from "../core/config.js";
import { ConfigError, LinkupError } from "../core/errors.js";
import { generateSessionName, isDnsLabel } from "../core/session-name.js";
import { parsePutBody, type PutSessionBody } from "../core/session.js";
import { readActual } from "../reconcile/actual.js";
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

/** The request `create-preview` sends to the worker (printed by --print-request; the token is never included). */
export async function previewRequest(ctx: ReconcileContext, name: string | undefined, pairs: string[]): Promise<PreviewRequest> {
  const decl: SessionDeclaration = { type: "preview", routes: parseRoutePairs(ctx, pairs) };
  const finalName = name ?? (await nameOrGenerate(ctx, undefined, ["worker"]));
  const d = desiredSession(ctx.loaded.config, decl, finalName);
  const body: PutSessionBody = { spec: d.spec, managed_by: null };
  const check = parsePutBody(finalName, body);
  if (!check.ok) throw new ConfigError("bad-preview", check.message);
  return {
    name: finalName,
    method: "PUT",
    url: `${ctx.clients.worker.baseUrl}/sessions/${finalName}`,
    headers: { "if-none-match": "*", "content-type": "application/json" },
    body,
  };
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

/** A preview session on the worker (the worker side must be up: ensureRuntime(ctx, ["worker"])). */
export async function createPreview(ctx: ReconcileContext, name: string | undefined, pairs: string[]): Promise<ApplyOutcome> {
  const req = await previewRequest(ctx, name, pairs);
  return createOne(ctx, req.name, { type: "preview", routes: parseRoutePairs(ctx, pairs) });
}

/** An isolated session on the local server (which must be up: ensureRuntime(ctx, ["local"])). */
export async function createIsolated(ctx: ReconcileContext, name: string | undefined): Promise<ApplyOutcome> {
  const finalName = await nameOrGenerate(ctx, name, ["local"]);
  return createOne(ctx, finalName, implicitPersonalDeclaration(ctx.loaded.config, "isolated"));
}

/** Deletes a session from every side that holds it (If-Match the version read). */
export async function deleteSession(ctx: ReconcileContext, name: string): Promise<Placement[]> {
  const live = await readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]);
  const mine = live.sessions.filter((s) => s.name === name);
  if (mine.length === 0)
    throw new LinkupError("session-not-found", `session ${name} not found${live.unavailable.length ? ` (could not read: ${live.unavailable.map((u) => u.placement).join(", ")})` : ""}`);
  // A delete by name is an explicit prune of exactly these copies, whoever manages them: plan it
  // as such (same planner, same If-Match writes) under a one-off identity.
  const owned = { ...live, sessions: mine.map((s) => ({ ...s, managed_by: "imperative" })) };
  const { outcomes } = await writePlan(ctx, planSessions([], owned, { prune: true, identity: "imperative" }));
  const [outcome] = outcomes;
  if (!outcome || outcome.result === "failed") throw new LinkupError("delete-failed", outcome?.error ?? `could not delete session ${name}`);
  return mine.map((s) => s.placement);
}


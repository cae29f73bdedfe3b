// `linkup route local|remote <service...>|--all [--session S]`: an imperative change to a live
// session's spec, planned here and written by the one writer (reconcile's writePlan, If-Match), so
// the next `linkup diff` shows it as drift from the config.
import { ConfigError, LinkupError } from "../core/errors.js";
import type { SessionSpec } from "../core/session.js";
import { readActual } from "../reconcile/actual.js";
import type { ReconcileContext } from "../reconcile/context.js";
import type { DesiredSession } from "../reconcile/desired.js";
import { hasChanges } from "../reconcile/plan.js";
import { planSessions, type PlanResult, type WriteResult } from "../reconcile/reconcile.js";
import { rememberedPersonalName } from "../machine/personal-session.js";

export interface RouteResult {
  session: string;
  services: { name: string; route: string; url: string | null }[];
  changed: boolean;
}

export function targetSession(ctx: ReconcileContext, session: string | undefined): string {
  const name = session ?? rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  if (!name) throw new LinkupError("no-session", "no personal session yet", { hint: "run `linkup start`, or pass --session NAME" });
  return name;
}

/** The spec with the services' routes set; refuses what the session cannot do. */
export function rerouted(spec: SessionSpec, to: "local" | "remote", services: string[] | "all"): SessionSpec {
  const names = services === "all" ? spec.services.map((s) => s.name) : services;
  for (const n of names) {
    const svc = spec.services.find((s) => s.name === n);
    if (!svc) throw new ConfigError("unknown-service", `unknown service "${n}" (known: ${spec.services.map((s) => s.name).join(", ")})`);
    if (to === "local" && spec.type === "preview") throw new ConfigError("preview-local", "preview sessions cannot route services to local");
    if (services !== "all" && svc[to] === undefined) throw new ConfigError("no-url", `service "${n}" has no ${to} URL`);
  }
  return {
    ...spec,
    services: spec.services.map((s) => (names.includes(s.name) && s[to] !== undefined ? { ...s, route: to } : s)),
  };
}

/** The route step's plan: the live session's spec with the services' routes set, its owner kept. */
export async function planRoute(
  ctx: ReconcileContext,
  to: "local" | "remote",
  services: string[] | "all",
  session: string | undefined,
): Promise<PlanResult> {
  const name = targetSession(ctx, session);
  const live = await readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]);
  const copies = live.sessions.filter((s) => s.name === name);
  const first = copies[0];
  if (!first) throw new LinkupError("session-not-found", `session ${name} is not running`, { hint: "run `linkup start` or `linkup apply` first" });
  const spec = rerouted(first.spec, to, services);
  // Keep the owner as it is: an imperative change is drift, not a change of ownership.
  const desired: DesiredSession = { name, placement: copies.map((c) => c.placement), spec, personal: false, owner: first.owner };
  return planSessions([desired], { ...live, sessions: copies }, { prune: false, identity: first.managed_by, owner: first.owner });
}

/** What `route` would report for a plan, before (or instead of) writing it: `--dry-run`. */
export function routePreview(planned: PlanResult): RouteResult {
  const desired = planned.desired[0]!;
  return {
    session: desired.name,
    changed: hasChanges(planned.actions),
    services: desired.spec.services.map((s) => ({
      name: s.name,
      route: s.route,
      url: s.route === "local" ? (s.local ?? null) : s.route === "remote" ? (s.remote ?? null) : s.route,
    })),
  };
}

/** What `route` reports once the plan is written; a failed write is an error. */
export function routeResult(planned: PlanResult, written: WriteResult): RouteResult {
  const desired = planned.desired[0]!;
  const outcome = written.outcomes[0];
  if (!outcome || outcome.result === "failed") throw new LinkupError("route-failed", outcome?.error ?? `could not update session ${desired.name}`);
  return { ...routePreview(planned), changed: outcome.result !== "unchanged" };
}

// One reconcile pass up to the plan: read the actual state of both sides, name the personal
// session, build the desired state and plan. diff, apply, watch and the imperative commands all
// go through here, so they agree on what "changed" means.
import type { SessionDeclaration } from "../core/config.js";
import { readActual, type ActualState } from "./actual.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "./context.js";
import { desiredSession, desiredSessions, personalDeclaration, type DesiredSession } from "./desired.js";
import { resolvePersonalName } from "../machine/personal-session.js";
import { plan, type Action } from "./plan.js";

export interface PlanResult {
  desired: DesiredSession[];
  actual: ActualState;
  actions: Action[];
  personalName: string | undefined;
}

export interface ComputePlanOptions {
  prune: boolean;
  /** Sides that may be down (counted as empty, reported in actual.unavailable). */
  tolerate?: Placement[];
  /** Replace the config's personal declaration (start --isolated, or start with a config that has none). */
  personal?: SessionDeclaration;
  /** Plan only these sessions (imperative commands touch one session). */
  only?: string[];
  /** Plan only the personal session (`start`). */
  personalOnly?: boolean;
  /** The clock (ms): expired sessions are planned as renewals (see PlanOptions.now). */
  now?: number;
  /** Also renew sessions with less than half their ttl left (`apply`). */
  renew?: boolean;
}

export async function computePlan(ctx: ReconcileContext, options: ComputePlanOptions): Promise<PlanResult> {
  const actual = await readActual([ctx.clients.local, ctx.clients.worker], options.tolerate ?? []);
  const config = ctx.loaded.config;
  const decl = options.personal ?? personalDeclaration(config);
  const personalName = decl
    ? await resolvePersonalName(ctx.stateDir, ctx.identity, (n) => actual.sessions.some((s) => s.name === n))
    : undefined;
  let desired = desiredSessions(
    { ...config, sessions: config.sessions.filter((s) => s.name !== undefined) },
    undefined,
  );
  if (decl && personalName) desired.push(desiredSession(config, decl, personalName));
  desired.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let sessions = actual.sessions;
  const onlyNames = options.personalOnly ? (personalName ? [personalName] : []) : options.only;
  if (onlyNames) {
    const only = new Set(onlyNames);
    desired = desired.filter((d) => only.has(d.name));
    sessions = sessions.filter((s) => only.has(s.name));
  }
  const actions = plan(desired, sessions, {
    prune: options.prune,
    identity: ctx.identity,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.renew ? { renew: true } : {}),
  });
  return { desired, actual, actions, personalName };
}

/** Which sides a set of desired sessions needs running. */
export function neededPlacements(desired: DesiredSession[]): Set<Placement> {
  return new Set(desired.flatMap((d) => d.placement));
}

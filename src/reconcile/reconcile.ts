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
  /** Something to tell the user about the personal session's name (its memory was lost or damaged). */
  personalNote?: string;
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
}

export async function computePlan(ctx: ReconcileContext, options: ComputePlanOptions): Promise<PlanResult> {
  const actual = await readActual([ctx.clients.local, ctx.clients.worker], options.tolerate ?? []);
  const config = ctx.loaded.config;
  const decl = options.personal ?? personalDeclaration(config);
  const namedInConfig = new Set(config.sessions.flatMap((s) => (s.name === undefined ? [] : [s.name])));
  const localReadable = !actual.unavailable.some((u) => u.placement === "local");
  const personal = decl
    ? await resolvePersonalName(ctx.stateDir, ctx.identity, {
        exists: (n) => actual.sessions.some((s) => s.name === n),
        // Earlier personal sessions: on this machine, managed by this config, not named by it.
        owned: localReadable
          ? actual.sessions.filter((s) => s.placement === "local" && s.managed_by === ctx.identity && !namedInConfig.has(s.name)).map((s) => s.name)
          : undefined,
      })
    : undefined;
  const personalName = personal?.name;
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
  const actions = plan(desired, sessions, { prune: options.prune, identity: ctx.identity });
  return { desired, actual, actions, personalName, ...(personal?.note ? { personalNote: personal.note } : {}) };
}

/** Which sides a set of desired sessions needs running. */
export function neededPlacements(desired: DesiredSession[]): Set<Placement> {
  return new Set(desired.flatMap((d) => d.placement));
}

// One reconcile pass up to the plan: read the actual state of both sides, name the personal
// session, build the desired state and plan. diff, apply, watch and the imperative commands all
// go through here, so they agree on what "changed" means.
import type { SessionDeclaration } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import { join } from "node:path";
import { readActual, type ActualState } from "./actual.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "./context.js";
import { desiredSession, desiredSessions, personalDeclaration, type DesiredSession } from "./desired.js";
import { PERSONAL_SESSION_FILE, rememberedPersonalName, resolvePersonalName } from "../machine/personal-session.js";
import { ownerConflicts, type OwnerConflict } from "./ownership.js";
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
}

export async function computePlan(ctx: ReconcileContext, options: ComputePlanOptions): Promise<PlanResult> {
  const actual = await readActual([ctx.clients.local, ctx.clients.worker], options.tolerate ?? []);
  const config = ctx.loaded.config;
  const decl = options.personal ?? personalDeclaration(config);
  const owner = ctx.owner.id;
  const personalName = decl
    ? await resolvePersonalName(ctx.stateDir, ctx.personalKey, (n) => actual.sessions.some((s) => s.name === n))
    : undefined;
  // Named sessions: shared ones from the team files alone, personal ones with this person's overrides.
  let desired = desiredSessions(ctx.loaded, undefined, owner);
  if (decl && personalName) desired.push(desiredSession(config, decl, personalName, owner));
  desired.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let sessions = actual.sessions;
  // A config without a personal session still has one once `start` made it: it is this person's,
  // kept by `start`, neither undeclared nor pruned by `apply`.
  const startedPersonal = decl ? undefined : rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  if (startedPersonal) sessions = sessions.filter((s) => s.name !== startedPersonal || (s.owner !== null && s.owner !== owner));
  const onlyNames = options.personalOnly ? (personalName ? [personalName] : []) : options.only;
  if (onlyNames) {
    const only = new Set(onlyNames);
    desired = desired.filter((d) => only.has(d.name));
    sessions = sessions.filter((s) => only.has(s.name));
  }
  const conflicts = ownerConflicts(desired, sessions);
  if (conflicts.length > 0) throw ownerConflictError(ctx, conflicts, personalName);
  const actions = plan(desired, sessions, { prune: options.prune, identity: ctx.identity, owner });
  return { desired, actual, actions, personalName };
}

/** Writing would take over a teammate's personal session: say whose it is and how to get out of the way. */
function ownerConflictError(ctx: ReconcileContext, conflicts: OwnerConflict[], personalName: string | undefined): ConfigError {
  const lines = conflicts.map((c) => `session ${c.name} is the personal session of ${c.owner}`);
  const first = conflicts[0]!;
  const hint =
    first.name === personalName
      ? `your remembered personal session name is taken: remove "${ctx.personalKey}" from ${join(ctx.stateDir, PERSONAL_SESSION_FILE)} to get a new one`
      : first.wanted === null
        ? `rename the session in ${ctx.loaded.teamFiles.join(", ")}, or ask ${first.owner} to delete theirs (linkup sessions delete ${first.name})`
        : `rename it in ${ctx.loaded.localFile ?? "linkup.local.yaml"}`;
  return new ConfigError("session-owned-by-someone-else", `${lines.join("; ")}: nothing was written`, { hint });
}

/** Which sides a set of desired sessions needs running. */
export function neededPlacements(desired: DesiredSession[]): Set<Placement> {
  return new Set(desired.flatMap((d) => d.placement));
}

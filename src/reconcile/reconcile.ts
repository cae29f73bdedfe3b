// The steps of a reconcile pass, each named so commands compose them in a few lines:
//   computePlan  read both sides, name the personal session, build the desired state, plan;
//   planSessions the pure part, for commands that bring their own desired and live sessions;
//   writePlan    hand the plan to the one writer (apply.ts) and keep the tunnel run tokens.
// diff is computePlan and stop; apply is computePlan then writePlan; route and `sessions *`
// plan their one session and write it the same way, so all agree on what "changed" means.
import { join } from "node:path";
import type { SessionDeclaration } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import { readActual, type ActualState } from "./actual.js";
import { applyPlan, type ApplyOutcome } from "./apply.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "./context.js";
import { desiredSession, desiredSessions, personalDeclaration, type DesiredSession } from "./desired.js";
import { STATE_FILES } from "../core/defaults.js";
import { rememberedPersonalName, resolvePersonalName } from "../machine/personal-session.js";
import { ownerConflicts, type OwnerConflict } from "./ownership.js";
import { storeRunToken } from "../machine/run-tokens.js";
import { plan, type Action } from "./plan.js";

export interface PlanResult {
  desired: DesiredSession[];
  actual: ActualState;
  actions: Action[];
  personalName: string | undefined;
  /** Something to tell the user about the personal session's name (its memory was lost or damaged). */
  personalNote?: string;
  /** managed_by the writes carry (null: nobody's), and the config a prune deletes for. */
  identity: string | null;
  /** The person acting: their personal sessions may be pruned, a teammate's never. */
  owner: string | null;
  /** Whether the plan deletes what the identity no longer declares (a 412 re-plan keeps the same rule). */
  prune: boolean;
}

export interface ComputePlanOptions {
  prune: boolean;
  /**
   * Sides that must answer; a side not listed that is down counts as empty and is reported in
   * actual.unavailable (`diff` before the first `start`). Default: both.
   */
  reach?: Placement[];
  /** Replace the config's personal declaration (start --isolated, or start with a config that has none). */
  personal?: SessionDeclaration;
  /** "personal": plan only the personal session (`start`); default "config", every session it declares. */
  scope?: "config" | "personal";
  /** The live state, already read (the watch's drift check); default: read both sides now. */
  actual?: ActualState;
  /** The clock (ms): expired sessions are planned as renewals (see PlanOptions.now). */
  now?: number;
  /** Also renew sessions with less than half their ttl left (`apply`, `start`; not `diff`). */
  renew?: boolean;
}

const BOTH: Placement[] = ["local", "worker"];

/** The pure half: actions that turn `actual` into `desired` for one owner. */
export function planSessions(
  desired: DesiredSession[],
  actual: ActualState,
  options: { prune: boolean; identity: string | null; owner?: string | null; personalName?: string; now?: number; renew?: boolean },
): PlanResult {
  const owner = options.owner ?? null;
  const actions = plan(desired, actual.sessions, {
    prune: options.prune,
    identity: options.identity,
    owner,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.renew ? { renew: true } : {}),
  });
  return { desired, actual, actions, personalName: options.personalName, identity: options.identity, owner, prune: options.prune };
}

export async function computePlan(ctx: ReconcileContext, options: ComputePlanOptions): Promise<PlanResult> {
  const reach = options.reach ?? BOTH;
  const actual = options.actual ?? (await readActual([ctx.clients.local, ctx.clients.worker], BOTH.filter((p) => !reach.includes(p))));
  const config = ctx.loaded.config;
  const decl = options.personal ?? personalDeclaration(config);
  const owner = ctx.owner.id;
  const namedInConfig = new Set(config.sessions.flatMap((s) => (s.name === undefined ? [] : [s.name])));
  const localReadable = !actual.unavailable.some((u) => u.placement === "local");
  const personal = decl
    ? await resolvePersonalName(ctx.stateDir, ctx.personalKey, {
        exists: (n) => actual.sessions.some((s) => s.name === n),
        // Earlier personal sessions: on this machine, managed by this config, this person's, not named by the config.
        owned: localReadable
          ? actual.sessions
              .filter((s) => s.placement === "local" && s.managed_by === ctx.identity && s.owner === owner && !namedInConfig.has(s.name))
              .map((s) => s.name)
          : undefined,
      })
    : undefined;
  const personalName = personal?.name;
  // Named sessions: shared ones from the team files alone, personal ones with this person's overrides.
  let desired = desiredSessions(ctx.loaded, undefined, owner);
  if (decl && personalName) desired.push(desiredSession(config, decl, personalName, owner));
  desired.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let live = actual;
  // A config without a personal session still has one once `start` made it: it is this person's,
  // kept by `start`, neither undeclared nor pruned by `apply`.
  const startedPersonal = decl ? undefined : rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  if (startedPersonal) live = { ...live, sessions: live.sessions.filter((s) => s.name !== startedPersonal || (s.owner !== null && s.owner !== owner)) };
  if (options.scope === "personal") {
    desired = desired.filter((d) => d.name === personalName);
    live = { ...actual, sessions: actual.sessions.filter((s) => s.name === personalName) };
  }
  const conflicts = ownerConflicts(desired, live.sessions);
  if (conflicts.length > 0) throw ownerConflictError(ctx, conflicts, personalName);
  const planned = planSessions(desired, live, {
    prune: options.prune,
    identity: ctx.identity,
    owner,
    ...(personalName ? { personalName } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.renew ? { renew: true } : {}),
  });
  // Report the whole live state (diff prints what it could not read), plan against the scoped one.
  return { ...planned, actual, ...(personal?.note ? { personalNote: personal.note } : {}) };
}

/** Writing would take over a teammate's personal session: say whose it is and how to get out of the way. */
function ownerConflictError(ctx: ReconcileContext, conflicts: OwnerConflict[], personalName: string | undefined): ConfigError {
  const lines = conflicts.map((c) => `session ${c.name} is the personal session of ${c.owner}`);
  const first = conflicts[0]!;
  const hint =
    first.name === personalName
      ? `your remembered personal session name is taken: remove "${ctx.personalKey}" from ${join(ctx.stateDir, STATE_FILES.personalSession)} to get a new one`
      : first.wanted === null
        ? `rename the session in ${ctx.loaded.teamFiles.join(", ")}, or ask ${first.owner} to delete theirs (linkup sessions delete ${first.name})`
        : `rename it in ${ctx.loaded.localFile ?? "linkup.local.yaml"}`;
  return new ConfigError("session-owned-by-someone-else", `${lines.join("; ")}: nothing was written`, { hint });
}

export interface WriteResult {
  outcomes: ApplyOutcome[];
  /** Cloudflare tunnel run tokens the worker handed out during this write (already stored, 0600). */
  runTokens: ReadonlyMap<string, string>;
}

/** Writes the plan (the applier is the only writer); `report` sees each session's outcome as it lands. */
export async function writePlan(ctx: ReconcileContext, planned: PlanResult, report?: (o: ApplyOutcome) => void): Promise<WriteResult> {
  const runTokens = new Map<string, string>();
  const outcomes = await applyPlan(
    {
      actions: planned.actions,
      desired: planned.desired,
      clients: ctx.clients,
      identity: planned.identity,
      owner: planned.owner,
      prune: planned.prune,
      tunnelUrls: new Map(planned.actual.sessions.filter((s) => s.placement === "worker").map((s) => [s.name, s.tunnel_url])),
      onRunToken: async (session, token) => {
        runTokens.set(session, token);
        await storeRunToken(ctx.stateDir, session, token);
      },
    },
    report,
  );
  return { outcomes, runTokens };
}

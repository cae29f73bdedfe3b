// The steps of a reconcile pass, each named so commands compose them in a few lines:
//   computePlan  read both sides, name the personal session, build the desired state, plan;
//   planSessions the pure part, for commands that bring their own desired and live sessions;
//   writePlan    hand the plan to the one writer (apply.ts) and keep the tunnel run tokens.
// diff is computePlan and stop; apply is computePlan then writePlan; route and `sessions *`
// plan their one session and write it the same way, so all agree on what "changed" means.
import type { SessionDeclaration } from "../core/config.js";
import { readActual, type ActualState } from "./actual.js";
import { applyPlan, type ApplyOutcome } from "./apply.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "./context.js";
import { desiredSession, desiredSessions, personalDeclaration, type DesiredSession } from "./desired.js";
import { resolvePersonalName } from "../machine/personal-session.js";
import { keepTunnelStart, readTunnelSecret } from "../machine/tunnel-secrets.js";
import { plan, type Action } from "./plan.js";

export interface PlanResult {
  desired: DesiredSession[];
  actual: ActualState;
  actions: Action[];
  personalName: string | undefined;
  /** managed_by the writes carry (null: nobody's), and the owner a prune deletes for. */
  identity: string | null;
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
  options: { prune: boolean; identity: string | null; personalName?: string; now?: number; renew?: boolean },
): PlanResult {
  const actions = plan(desired, actual.sessions, {
    prune: options.prune,
    identity: options.identity,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.renew ? { renew: true } : {}),
  });
  return { desired, actual, actions, personalName: options.personalName, identity: options.identity, prune: options.prune };
}

export async function computePlan(ctx: ReconcileContext, options: ComputePlanOptions): Promise<PlanResult> {
  const reach = options.reach ?? BOTH;
  const actual = await readActual([ctx.clients.local, ctx.clients.worker], BOTH.filter((p) => !reach.includes(p)));
  const config = ctx.loaded.config;
  const decl = options.personal ?? personalDeclaration(config);
  const personalName = decl
    ? await resolvePersonalName(ctx.stateDir, ctx.identity, (n) => actual.sessions.some((s) => s.name === n))
    : undefined;
  let desired = desiredSessions({ ...config, sessions: config.sessions.filter((s) => s.name !== undefined) }, undefined);
  if (decl && personalName) desired.push(desiredSession(config, decl, personalName));
  desired.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let live = actual;
  if (options.scope === "personal") {
    desired = desired.filter((d) => d.name === personalName);
    live = { ...actual, sessions: actual.sessions.filter((s) => s.name === personalName) };
  }
  const planned = planSessions(desired, live, {
    prune: options.prune,
    identity: ctx.identity,
    ...(personalName ? { personalName } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.renew ? { renew: true } : {}),
  });
  // Report the whole live state (diff prints what it could not read), plan against the scoped one.
  return { ...planned, actual };
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
      prune: planned.prune,
      tunnelUrls: new Map(planned.actual.sessions.filter((s) => s.placement === "worker").map((s) => [s.name, s.tunnel_url])),
      // The tunnel's signing secret (and a Cloudflare run token) are kept where the local server finds them.
      onTunnelStart: async (session, started) => {
        if (started.run_token) runTokens.set(session, started.run_token);
        await keepTunnelStart(ctx.stateDir, session, started);
      },
      // A machine without the secret of a tunnel it uses asks the worker for it again.
      needsTunnel: async (session) => (await readTunnelSecret(ctx.stateDir, session)) === undefined,
    },
    report,
  );
  return { outcomes, runTokens };
}

// `apply` end to end for one pass: make sure the sides the config needs are running, plan, write
// the difference, refresh the env-file blocks, then (Cloudflare tunnels only) have the local
// server run cloudflared and wait until it is connected. `apply`, `start` and every `--watch`
// cycle call this; `--dry-run` stops after the plan (nothing started, nothing written).
import type { SessionDeclaration } from "../core/config.js";
import { applyPlan, type ApplyOutcome } from "../reconcile/apply.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { personalDeclaration, placementFor } from "../reconcile/desired.js";
import { injectEnvFiles, serviceDirectories, type EnvFileChange } from "../reconcile/env-files.js";
import { computePlan, type PlanResult } from "../reconcile/reconcile.js";
import { readTunnelSecret } from "../machine/tunnel-secrets.js";
import { keepTunnelStart } from "./tunnel-connect.js";
import { ensureRuntime } from "./runtime.js";
import { connectTunnel, type TunnelConnection } from "./tunnel-connect.js";

export interface ApplyConfigOptions {
  prune: boolean;
  dryRun: boolean;
  personal?: SessionDeclaration;
  /** Sessions to plan; default every session of the config. */
  only?: string[];
  /** Plan only the personal session (`start`). */
  personalOnly?: boolean;
  onStart?: (what: string) => void | Promise<void>;
  report?: (o: ApplyOutcome) => void;
  /** Skip env-file injection (imperative commands that touch one session). */
  skipEnvFiles?: boolean;
  /** Ask the worker for the tunnel even when its token is stored (`start` refreshes last_started). */
  refreshTunnel?: boolean;
  /** Called before waiting for cloudflared to connect, so the CLI can show a spinner. */
  onTunnelWait?: (what: string) => void | Promise<void>;
}

export interface ApplyConfigResult {
  plan: PlanResult;
  outcomes: ApplyOutcome[];
  envFiles: EnvFileChange[];
  /** The Cloudflare tunnel cloudflared connected; null when no session needs one (e.g. the embedded default). */
  tunnel: TunnelConnection | null;
}

/** Sides the config's declarations live on. */
export function configPlacements(ctx: ReconcileContext, personal?: SessionDeclaration, personalOnly = false): Set<Placement> {
  const decls = personalOnly ? [] : ctx.loaded.config.sessions.filter((s) => s.name !== undefined);
  const p = personal ?? personalDeclaration(ctx.loaded.config);
  if (p) decls.push(p);
  return new Set(decls.flatMap((d) => placementFor(d.type)));
}

export async function applyConfig(ctx: ReconcileContext, options: ApplyConfigOptions): Promise<ApplyConfigResult> {
  const needed = configPlacements(ctx, options.personal, options.personalOnly);
  const tolerate: Placement[] = (["local", "worker"] as const).filter((p) => options.dryRun || !needed.has(p));
  if (!options.dryRun && needed.size > 0)
    await ensureRuntime({
      stateDir: ctx.stateDir,
      config: ctx.loaded.config,
      env: ctx.env,
      needLocal: needed.has("local"),
      needWorker: needed.has("worker"),
      ...(options.onStart ? { onStart: options.onStart } : {}),
    });
  const planned = await computePlan(ctx, {
    prune: options.prune,
    tolerate,
    ...(options.personal ? { personal: options.personal } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(options.personalOnly ? { personalOnly: true } : {}),
  });
  if (options.dryRun) return { plan: planned, outcomes: [], envFiles: [], tunnel: null };
  const fresh = new Map<string, string>();
  const outcomes = await applyPlan(
    {
      actions: planned.actions,
      desired: planned.desired,
      clients: ctx.clients,
      identity: ctx.identity,
      prune: options.prune,
      tunnelUrls: new Map(planned.actual.sessions.filter((s) => s.placement === "worker").map((s) => [s.name, s.tunnel_url])),
      onTunnelStart: async (session, started) => {
        if (started.run_token) fresh.set(session, started.run_token);
        await keepTunnelStart(ctx.stateDir, session, started);
      },
      // `start` asks again (refreshes the tunnel; a re-provisioned one brings a new secret), as
      // does any apply on a machine that has no secret for a tunnel it is about to use.
      needsTunnel: async (session) => Boolean(options.refreshTunnel) || (await readTunnelSecret(ctx.stateDir, session)) === undefined,
    },
    options.report,
  );
  const envFiles = options.skipEnvFiles ? [] : injectEnvFiles(serviceDirectories(ctx.loaded.config.services, ctx.loaded.baseDir));
  const tunnel = await connectTunnel(ctx, {
    outcomes,
    fresh,
    ...(planned.personalName ? { prefer: planned.personalName } : {}),
    ...(options.refreshTunnel ? { refresh: true } : {}),
    ...(options.onTunnelWait ? { onWait: options.onTunnelWait } : {}),
  });
  return { plan: planned, outcomes, envFiles, tunnel };
}

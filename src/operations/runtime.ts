// The "ensure runtime" step: make sure the sides a command needs are running. The local side is
// the local server (admin API); the worker side, when the config names no worker_url, is the
// embedded worker. Both run in one background process, the local-server daemon, which hosts the
// embedded worker when started with LINKUP_EMBEDDED_WORKER=1 (process control lives in
// src/machine/daemon.ts). This module only probes, starts that daemon and waits.
//
// "Running" means this state directory's Linkup answers GET /linkup/check on the port (any other
// program, or another Linkup, is named at once instead). Before starting, helpers a crashed server
// left behind are ended (machine/orphans.ts); the start itself returns only once every listener of
// the new server is up, and fails at once, with its last log lines, if it exits instead.
import { fileURLToPath } from "node:url";
import type { LinkupCheck } from "../core/check.js";
import { LinkupError } from "../core/errors.js";
import { ENV, localServerEnv, localServerProcess } from "../core/settings.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { describePortHolder, portHolder, probeCheck, type Probe } from "../machine/port-holder.js";
import { stateDirId } from "../machine/state-dir.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";

/** dist/operations/runtime.js -> the package root (holds dist/worker/index.js). */
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RuntimeHooks {
  /** Called once before starting the daemon, so the CLI can show a spinner. */
  onStart?: (what: string) => void | Promise<void>;
  timeoutMs?: number;
}

export interface RuntimeState {
  /** The daemon had to be started by this call. */
  started: boolean;
}

/** Whether a probe shows this state directory's Linkup in `role`. */
function isOurs(probe: Probe, role: LinkupCheck["role"], stateId: string): boolean {
  return probe.kind === "linkup" && probe.check.role === role && probe.check.state_id === stateId;
}

/** The "port taken" error for a listener of ours that someone else holds. */
async function portTaken(ctx: ReconcileContext, what: string, url: string, setting: string): Promise<LinkupError> {
  const u = new URL(url);
  const holder = await portHolder(u.hostname, Number(u.port), ctx.stateDir, ctx.settings.home);
  const { message, hint } = describePortHolder(what, u.hostname, Number(u.port), holder, setting);
  return new LinkupError("port-in-use", message, { hint });
}

/**
 * Starts the local-server daemon when a side in `sides` is not answering: "local" needs the local
 * server, "worker" the embedded worker (a remote worker_url is never started, only used).
 */
export async function ensureRuntime(ctx: ReconcileContext, sides: readonly Placement[], hooks: RuntimeHooks = {}): Promise<RuntimeState> {
  const needLocal = sides.includes("local");
  const wantEmbedded = sides.includes("worker") && ctx.embeddedWorker;
  if (!needLocal && !wantEmbedded) return { started: false };
  const stateId = stateDirId(ctx.stateDir);
  // Loaded only here: most commands never start anything.
  const daemon = await import("../machine/daemon.js");

  const probeBoth = () => Promise.all([probeCheck(ctx.urls.admin), wantEmbedded ? probeCheck(ctx.urls.worker) : Promise.resolve(null)]);
  const [adminProbe, workerProbe] = await probeBoth();
  const serverRunning = daemon.daemonStatus({ stateDir: ctx.stateDir }).running;
  // A server of ours from an older build answers, but not /linkup/check: its pid file vouches for it.
  const localUp = isOurs(adminProbe, "local-admin", stateId) || (serverRunning && adminProbe.kind === "other-http");
  const workerUp = workerProbe === null || isOurs(workerProbe, "worker", stateId) || (serverRunning && workerProbe.kind === "other-http");
  if ((!needLocal || localUp) && workerUp) return { started: false };

  // Someone else holds a port this Linkup needs: say who, at once, rather than start a server that cannot listen.
  if (!localUp && adminProbe.kind !== "no-answer") throw await portTaken(ctx, "the Linkup admin API", ctx.urls.admin, ENV.adminPort);
  const workerIsOurOrphan = workerProbe?.kind === "linkup" && workerProbe.check.state_id === stateId;
  if (!workerUp && workerProbe !== null && workerProbe.kind !== "no-answer" && !workerIsOurOrphan)
    throw await portTaken(ctx, "the embedded worker", ctx.urls.worker, ENV.workerPort);
  if (localUp && !workerUp)
    throw new LinkupError("embedded-worker-down", `the local server is running but the embedded worker at ${ctx.urls.worker} does not answer`, {
      hint: "run `linkup stop`, then try again so both start together",
    });

  // Helpers a crashed server left behind (a workerd still holding the worker port) go first.
  const { stopOrphans } = await import("../machine/orphans.js");
  await stopOrphans(ctx.stateDir);

  if (wantEmbedded) embeddedWorkerToken(ctx.stateDir);
  await hooks.onStart?.(wantEmbedded ? "starting the local server and the embedded worker" : "starting the local server");
  const timeoutMs = hooks.timeoutMs ?? 20_000;
  // The daemon outlives this command: keep it out of the user's working directory. Start returns
  // once every listener is up, and fails at once (with its last log lines) if it exits instead.
  // The daemon runs on this same node binary (startDaemon), so its version picks the process settings.
  const processSettings = localServerProcess(process.versions.node);
  const started = await daemon.startDaemon({
    stateDir: ctx.stateDir,
    env: { ...localServerEnv(ctx.settings, ctx.stateDir, wantEmbedded), ...processSettings.env },
    nodeFlags: processSettings.nodeFlags,
    cwd: PACKAGE_ROOT,
    waitReady: { timeoutMs },
    maxLogBytes: ctx.settings.logMaxBytes,
  });
  if (!started.alreadyRunning) return { started: true };

  // Another command started it meanwhile (and saw it ready); make sure it still answers.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [a, w] = await probeBoth();
    if (isOurs(a, "local-admin", stateId) && (w === null || isOurs(w, "worker", stateId))) return { started: false };
    if (!daemon.daemonStatus({ stateDir: ctx.stateDir }).running)
      throw new LinkupError("runtime-start-failed", "the local server another command started has exited", { hint: `see ${started.logPath}` });
    if (Date.now() > deadline)
      throw new LinkupError("runtime-start-timeout", `the local server${wantEmbedded ? " or the embedded worker" : ""} did not come up in time`, {
        hint: `see ${started.logPath}`,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The "ensure runtime" step: make sure the sides a command needs are running. The local side is
// the local server (admin API); the worker side, when the config names no worker_url, is the
// embedded worker. Both run in one background process, the local-server daemon, which hosts the
// embedded worker when started with LINKUP_EMBEDDED_WORKER=1 (process control lives in
// src/machine/daemon.ts). This module only probes, starts that daemon and waits.
import { fileURLToPath } from "node:url";
import { LinkupError } from "../core/errors.js";
import { localServerEnv } from "../core/settings.js";
import { isReachable } from "../clients/reachable.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
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

/**
 * Starts the local-server daemon when a side in `sides` is not answering: "local" needs the local
 * server, "worker" the embedded worker (a remote worker_url is never started, only used).
 */
export async function ensureRuntime(ctx: ReconcileContext, sides: readonly Placement[], hooks: RuntimeHooks = {}): Promise<RuntimeState> {
  const needLocal = sides.includes("local");
  const wantEmbedded = sides.includes("worker") && ctx.embeddedWorker;
  if (!needLocal && !wantEmbedded) return { started: false };
  const check = () => Promise.all([isReachable(ctx.urls.admin), wantEmbedded ? isReachable(ctx.urls.worker) : Promise.resolve(true)]);
  const [localUp, workerUp] = await check();
  if ((!needLocal || localUp) && workerUp) return { started: false };
  if (localUp && !workerUp)
    throw new LinkupError("embedded-worker-down", `the local server is running but the embedded worker at ${ctx.urls.worker} does not answer`, {
      hint: "run `linkup stop`, then try again so both start together",
    });

  // Loaded only here: most commands never start anything.
  const daemon = await import("../machine/daemon.js");
  if (wantEmbedded) embeddedWorkerToken(ctx.stateDir);
  await hooks.onStart?.(wantEmbedded ? "starting the local server and the embedded worker" : "starting the local server");
  // The daemon outlives this command: keep it out of the user's working directory.
  await daemon.startDaemon({ stateDir: ctx.stateDir, env: localServerEnv(ctx.settings, ctx.stateDir, wantEmbedded), cwd: PACKAGE_ROOT });

  const deadline = Date.now() + (hooks.timeoutMs ?? 20_000);
  for (;;) {
    const [l, w] = await check();
    if (l && w) return { started: true };
    if (Date.now() > deadline)
      throw new LinkupError("runtime-start-timeout", `the local server${wantEmbedded ? " or the embedded worker" : ""} did not come up in time`, {
        hint: `see the logs in ${ctx.stateDir}`,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
}

// "Is the runtime up?": the local server (admin API) and, when the config names no worker_url, the
// embedded worker. Both run in one background process, the local-server daemon, which hosts the
// embedded worker when started with LINKUP_EMBEDDED_WORKER=1 (the daemon side lives in
// src/machine/daemon.ts). This module only probes, starts that daemon and waits.
import { fileURLToPath } from "node:url";
import { adminPort, embeddedWorkerPort, workerUrl } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";
import type { LinkupConfig } from "../core/config.js";
import { LinkupError } from "../core/errors.js";
import { adminBaseUrl } from "../clients/admin-client.js";
import { isReachable } from "../clients/reachable.js";

/** dist/operations/runtime.js -> the package root (holds dist/worker/index.js). */
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

type Env = Readonly<Record<string, string | undefined>>;

export interface EnsureRuntimeOptions {
  stateDir: string;
  config: LinkupConfig;
  env: Env;
  needLocal: boolean;
  needWorker: boolean;
  /** Called once before starting the daemon, so the CLI can show a spinner. */
  onStart?: (what: string) => void | Promise<void>;
  timeoutMs?: number;
}

export interface RuntimeState {
  adminUrl: string;
  workerUrl: string;
  embeddedWorker: boolean;
  /** The daemon had to be started by this call. */
  started: boolean;
}

export async function ensureRuntime(options: EnsureRuntimeOptions): Promise<RuntimeState> {
  const admin = adminBaseUrl(adminPort(options.env));
  const worker = workerUrl(options.config, options.env);
  const wantEmbedded = options.needWorker && worker.embedded;
  const [localUp, workerUp] = await Promise.all([isReachable(admin), wantEmbedded ? isReachable(worker.url) : Promise.resolve(true)]);
  const state: RuntimeState = { adminUrl: admin, workerUrl: worker.url, embeddedWorker: worker.embedded, started: false };
  if ((!options.needLocal || localUp) && workerUp) return state;
  if (localUp && !workerUp)
    throw new LinkupError("embedded-worker-down", `the local server is running but the embedded worker at ${worker.url} does not answer`, {
      hint: "run `linkup stop`, then try again so both start together",
    });

  // Loaded only here: most commands never start anything.
  const daemon = await import("../machine/daemon.js");
  const env: Record<string, string> = { LINKUP_HOME: options.stateDir, LINKUP_ADMIN_PORT: String(adminPort(options.env)) };
  if (wantEmbedded) {
    embeddedWorkerToken(options.stateDir);
    env.LINKUP_EMBEDDED_WORKER = "1";
    env.LINKUP_WORKER_PORT = String(embeddedWorkerPort(options.env));
  }
  await options.onStart?.(wantEmbedded ? "starting the local server and the embedded worker" : "starting the local server");
  // The daemon outlives this command: keep it out of the user's working directory.
  await daemon.startDaemon({ stateDir: options.stateDir, env, cwd: PACKAGE_ROOT });
  state.started = true;

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const [l, w] = await Promise.all([isReachable(admin), wantEmbedded ? isReachable(worker.url) : Promise.resolve(true)]);
    if (l && w) return state;
    if (Date.now() > deadline)
      throw new LinkupError("runtime-start-timeout", `the local server${wantEmbedded ? " or the embedded worker" : ""} did not come up in time`, {
        hint: `see the logs in ${options.stateDir}`,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
}

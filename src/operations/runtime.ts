// "Is the runtime up?": the local server (admin API) and, when the config names no worker_url, the
// embedded worker. Both run in one background process, the local-server daemon, which hosts the
// embedded worker when started with LINKUP_EMBEDDED_WORKER=1 (the daemon side lives in
// src/machine/daemon.ts). This module only probes, starts that daemon and waits.
import { fileURLToPath } from "node:url";
import { API_PREFIX } from "../core/api.js";
import { adminPort, embeddedWorkerPort, workerUrl } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";
import type { LinkupConfig } from "../core/config.js";
import { LinkupError } from "../core/errors.js";
import { adminBaseUrl } from "../clients/admin-client.js";
import { fetchWithTimeout } from "../clients/ref-timeout.js";
import type { LinkupCheck } from "../core/check.js";
import { logMaxBytes } from "../machine/log-rotation.js";
import { describePortHolder, portHolder, probeCheck, type Probe } from "../machine/port-holder.js";
import { stateDirId } from "../machine/state-dir.js";

/** dist/operations/runtime.js -> the package root (holds dist/worker/index.js). */
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

type Env = Readonly<Record<string, string | undefined>>;

/** True when something answers HTTP at `<base>/linkup/v1/check` (any status: a 401 still means "up"). */
export async function isUp(baseUrl: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    await fetchWithTimeout(`${baseUrl}${API_PREFIX}/check`, {}, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

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

/** Whether a probe shows this state directory's Linkup in `role`. */
function isOurs(probe: Probe, role: LinkupCheck["role"], stateId: string): boolean {
  return probe.kind === "linkup" && probe.check.role === role && probe.check.state_id === stateId;
}

/** The "port taken" error for a listener of ours that someone else holds. */
async function portTaken(stateDir: string, what: string, url: string, setting: string, env: Env): Promise<LinkupError> {
  const u = new URL(url);
  const holder = await portHolder(u.hostname, Number(u.port), stateDir, env);
  const { message, hint } = describePortHolder(what, u.hostname, Number(u.port), holder, setting);
  return new LinkupError("port-in-use", message, { hint });
}

export async function ensureRuntime(options: EnsureRuntimeOptions): Promise<RuntimeState> {
  const admin = adminBaseUrl(adminPort(options.env));
  const worker = workerUrl(options.config, options.env);
  const wantEmbedded = options.needWorker && worker.embedded;
  const stateId = stateDirId(options.stateDir);
  const state: RuntimeState = { adminUrl: admin, workerUrl: worker.url, embeddedWorker: worker.embedded, started: false };
  // Loaded only here: most commands never start anything.
  const daemon = await import("../machine/daemon.js");

  const probeBoth = () => Promise.all([probeCheck(admin), wantEmbedded ? probeCheck(worker.url) : Promise.resolve(null)]);
  const [adminProbe, workerProbe] = await probeBoth();
  const serverRunning = daemon.daemonStatus({ stateDir: options.stateDir }).running;
  // A server of ours from an older build answers, but not /linkup/check: its pid file vouches for it.
  const localUp = isOurs(adminProbe, "local-admin", stateId) || (serverRunning && adminProbe.kind === "other-http");
  const workerUp = workerProbe === null || isOurs(workerProbe, "worker", stateId) || (serverRunning && workerProbe.kind === "other-http");
  if ((!options.needLocal || localUp) && workerUp) return state;

  // Someone else holds a port this Linkup needs: say who, at once, rather than start a server that cannot listen.
  if (!localUp && adminProbe.kind !== "no-answer")
    throw await portTaken(options.stateDir, "the Linkup admin API", admin, "LINKUP_ADMIN_PORT", options.env);
  if (!workerUp && workerProbe !== null && workerProbe.kind !== "no-answer" && !(workerProbe.kind === "linkup" && workerProbe.check.state_id === stateId))
    throw await portTaken(options.stateDir, "the embedded worker", worker.url, "LINKUP_WORKER_PORT", options.env);
  if (localUp && !workerUp)
    throw new LinkupError("embedded-worker-down", `the local server is running but the embedded worker at ${worker.url} does not answer`, {
      hint: "run `linkup stop`, then try again so both start together",
    });

  // Helpers a crashed server left behind (a workerd still holding the worker port) go first.
  const { stopOrphans } = await import("../machine/orphans.js");
  await stopOrphans(options.stateDir);

  const env: Record<string, string> = { LINKUP_HOME: options.stateDir, LINKUP_ADMIN_PORT: String(adminPort(options.env)) };
  if (wantEmbedded) {
    embeddedWorkerToken(options.stateDir);
    env.LINKUP_EMBEDDED_WORKER = "1";
    env.LINKUP_WORKER_PORT = String(embeddedWorkerPort(options.env));
  }
  await options.onStart?.(wantEmbedded ? "starting the local server and the embedded worker" : "starting the local server");
  const timeoutMs = options.timeoutMs ?? 20_000;
  // The daemon outlives this command: keep it out of the user's working directory. Start returns
  // once every listener is up, and fails at once (with its last log lines) if it exits instead.
  const started = await daemon.startDaemon({
    stateDir: options.stateDir,
    env,
    cwd: PACKAGE_ROOT,
    waitReady: { timeoutMs },
    maxLogBytes: logMaxBytes(options.env),
  });
  state.started = !started.alreadyRunning;
  if (!started.alreadyRunning) return state;

  // Another command started it meanwhile (and saw it ready); make sure it still answers.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [a, w] = await probeBoth();
    if (isOurs(a, "local-admin", stateId) && (w === null || isOurs(w, "worker", stateId))) return state;
    if (!daemon.daemonStatus({ stateDir: options.stateDir }).running)
      throw new LinkupError("runtime-start-failed", "the local server another command started has exited", {
        hint: `see ${started.logPath}`,
      });
    if (Date.now() > deadline)
      throw new LinkupError("runtime-start-timeout", `the local server${wantEmbedded ? " or the embedded worker" : ""} did not come up in time`, {
        hint: `see ${started.logPath}`,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
}

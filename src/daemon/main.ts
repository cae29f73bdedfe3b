// The local server process: what `linkup start` runs detached (`node dist/daemon/main.js`), with
// stdout and stderr going to `<stateDir>/local-server.log`. Starts the proxy and admin API (and
// HTTPS + DNS when local DNS is installed, and the embedded worker when the CLI asks for it),
// logs one line with its ports, and closes everything cleanly on SIGTERM or SIGINT.
//
// Reliability (docs/reliability.md):
// - Readiness: only once every listener is up does it write `ready` to the descriptor named by
//   LINKUP_READY_FD (the CLI that started it waits on that pipe, and on this process's exit), so a
//   start is never reported before the server can serve, and a failed start is reported at once.
// - Helpers die with it: a watchdog (watchdog.ts) kills workerd and cloudflared if this process
//   dies without a clean shutdown, and their pids are recorded for `linkup stop`/`health`/`start`.
// - The log is capped (machine/log-rotation.ts).
import { closeSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { LOG_SUFFIX, STATE_FILES } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";
import { asRequestLogLine } from "../core/request-record.js";
import { ENV } from "../core/settings.js";
import { readWorkerToken, workerTokenPath } from "../machine/worker-token.js";
import { rotateOpenLog } from "../machine/log-rotation.js";
import { embeddedWorkerPidFile, helperRecordText } from "../machine/orphans.js";
import { childProcesses } from "../machine/process-table.js";
import { stateDirId } from "../machine/state-dir.js";
import { localServerConfig, type LocalServerConfig } from "./options.js";
import { startLocalServer, type LocalServer } from "./server.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";

/** How often the running server looks at its log's size (it also looks each time it has logged a quarter of the cap, at most 64 KiB). */
const LOG_CHECK_MS = 60_000;

let logMax = Number.POSITIVE_INFINITY;
let logPath = "";
let loggedSinceCheck = 0;

function checkLog(): void {
  loggedSinceCheck = 0;
  if (logPath) rotateOpenLog(1, logPath, logMax);
}

function log(line: string): void {
  const text = `${new Date().toISOString()} ${line}\n`;
  process.stdout.write(text);
  loggedSinceCheck += text.length;
  if (loggedSinceCheck > Math.min(64 * 1024, logMax / 4)) checkLog();
}

/** The embedded worker's output: its request lines join the request log, anything else the daemon's log. */
function workerOutput(server: LocalServer): (entry: { level: string; message: string }) => void {
  return ({ level, message }) => {
    if (message.startsWith("{")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        parsed = undefined;
      }
      const line = asRequestLogLine(parsed);
      if (line) {
        server.requestLog?.addLine(line);
        return;
      }
    }
    log(`worker ${level}: ${message}`);
  };
}

async function startEmbedded(
  config: LocalServerConfig,
  server: LocalServer,
  watchdog: Watchdog,
): Promise<{ url: string; runScheduled(time: number): Promise<void>; close(): Promise<void> } | null> {
  if (config.embeddedWorkerPort === null) return null;
  const token = readWorkerToken(config.stateDir);
  if (!token)
    throw new LinkupError("worker-token-missing", `${ENV.embeddedWorker}=1 but ${workerTokenPath(config.stateDir)} is missing or empty`);
  // Miniflare is large: loaded only when this process hosts the embedded worker.
  const { startEmbeddedWorker } = await import("./embedded-worker/worker-host.js");
  const worker = await startEmbeddedWorker({
    port: config.embeddedWorkerPort,
    stateDir: config.stateDir,
    token,
    // The embedded worker reaches `local` services through this very proxy.
    vars: {
      TUNNEL_PROVIDER: "direct",
      DIRECT_TUNNEL_URL: server.proxyUrl,
      LINKUP_STATE_ID: stateDirId(config.stateDir),
      LINKUP_ADMIN_PORT: String(new URL(server.adminUrl).port),
    },
    onLog: workerOutput(server),
  });
  // Miniflare does not expose workerd's pid: it is this process's workerd child.
  const pidFile = embeddedWorkerPidFile(config.stateDir);
  const workerd = childProcesses(process.pid, "workerd");
  for (const p of workerd) watchdog.watch(p.pid, "workerd");
  if (workerd[0]) await writeFileAtomic(pidFile, helperRecordText(workerd[0].pid, "workerd", process.pid), { mode: 0o600 });
  else log("warning: could not find the embedded worker's workerd process; it is not watched");
  return {
    url: worker.url,
    runScheduled: (time) => worker.runScheduled(time),
    async close() {
      await worker.close();
      rmSync(pidFile, { force: true });
    },
  };
}

/** Tells the CLI waiting on LINKUP_READY_FD that every listener is up. */
function signalReady(fd: number | undefined, details: Record<string, unknown>): void {
  if (fd === undefined) return;
  try {
    writeSync(fd, `ready ${JSON.stringify(details)}\n`);
  } catch {
    // The CLI is gone; nobody is waiting.
  }
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const EMBEDDED_CRON_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = localServerConfig(process.argv.slice(2), process.env);
  logMax = config.logMaxBytes;
  logPath = join(config.stateDir, STATE_FILES.localServer + LOG_SUFFIX);
  checkLog();
  setInterval(checkLog, LOG_CHECK_MS).unref();

  const watchdog = startWatchdog({ log });
  const server = await startLocalServer({
    host: config.host,
    port: config.port,
    adminPort: config.adminPort,
    stateDir: config.stateDir,
    ...(config.httpsPort !== null ? { httpsPort: config.httpsPort } : {}),
    ...(config.dnsPort !== null ? { dnsPort: config.dnsPort, dnsUpstreams: config.dnsUpstreams } : {}),
    log,
    ...(config.debug ? { debug: (line: string) => log(`debug: ${line}`) } : {}),
    cloudflared: {
      onChild: (pid, event) => (event === "spawned" ? watchdog.watch(pid, "cloudflared") : watchdog.unwatch(pid)),
    },
  });
  let worker: Awaited<ReturnType<typeof startEmbedded>> = null;
  try {
    worker = await startEmbedded(config, server, watchdog);
  } catch (error) {
    await server.close();
    throw error;
  }

  // Cloudflare fires a deployed worker's cron; for the embedded worker this process does, hourly
  // (expired sessions, idle tunnels), with the wall clock.
  const cron = worker
    ? setInterval(() => {
        worker!.runScheduled(Date.now()).catch((error: unknown) => log(`embedded worker cron failed: ${(error as Error).message}`));
      }, EMBEDDED_CRON_MS)
    : undefined;
  cron?.unref();

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    clearInterval(cron);
    if (closing) {
      // A second signal while closing: the user wants out now (the watchdog ends the helpers).
      process.exit(1);
    }
    closing = true;
    log(`received ${signal}, closing`);
    Promise.all([server.close(), worker?.close()])
      .then(() => {
        watchdog.disarm();
        log("closed");
        process.exit(0);
      })
      .catch((error: unknown) => {
        log(`error while closing: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  log(
    [
      `linkup local server started: pid=${process.pid}`,
      `proxy=${server.proxyUrl}`,
      `admin=${server.adminUrl}`,
      `https=${server.httpsUrl ?? "off"}`,
      `dns=${server.dnsPort === null ? "off" : `${config.host}:${server.dnsPort}`}`,
      `worker=${worker?.url ?? "off"}`,
      `state=${config.stateDir}`,
    ].join(" "),
  );
  signalReady(config.readyFd, { pid: process.pid, proxy: server.proxyUrl, admin: server.adminUrl, worker: worker?.url ?? null });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof LinkupError && error.hint ? ` (${error.hint})` : "";
  log(`linkup local server failed to start: ${message}${hint}`);
  // Not disarmed: the watchdog ends whatever helper was already started.
  process.exit(1);
});

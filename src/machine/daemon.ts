// Running the local server in the background: `linkup start` launches it detached (it outlives the
// CLI), with `<stateDir>/<name>.pid` and an appended `<stateDir>/<name>.log`; `linkup stop` ends it.
//
// The pid file holds two lines: the pid, then the entry script the process runs. A pid alone is
// not proof: after a crash or reboot the number may belong to an unrelated process, and stop must
// never signal that one. So a pid counts as ours only if the process exists, is signalable by us,
// and (where the OS lets us look: /proc on Linux, `ps` elsewhere) its command line names the entry.
//
// With `waitReady`, start does not return until the process says it is ready: it gets a pipe as
// descriptor 3 (LINKUP_READY_FD=3) and writes `ready` there once every listener is up. If it
// exits first, start fails at once with the last lines it logged; the start lock is held all the
// while, so a concurrent start waits and then finds it running (or finds nothing, and starts).

import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import { LOCK_SUFFIX, LOG_SUFFIX, PID_SUFFIX, STATE_FILES } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";
import { DEFAULT_LOG_MAX_BYTES } from "../core/defaults.js";
import { ENV } from "../core/settings.js";
import { rotateLogFile } from "./log-rotation.js";

export const DEFAULT_DAEMON_NAME = STATE_FILES.localServer;

/** The local server's entry point in the built package (dist/daemon/main.js). */
export const LOCAL_SERVER_ENTRY = fileURLToPath(new URL("../daemon/main.js", import.meta.url));

export interface DaemonTarget {
  stateDir: string;
  /** File stem for `<name>.pid` / `<name>.log`; default "local-server". */
  name?: string;
}

export interface StartDaemonOptions extends DaemonTarget {
  /** JavaScript file run with this same node binary; default LOCAL_SERVER_ENTRY. */
  entry?: string;
  args?: string[];
  /** Node options before the entry (V8 heap settings, core localServerProcess). */
  nodeFlags?: readonly string[];
  /** Added to the current environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Wait until the process writes `ready` on LINKUP_READY_FD; fail at once if it exits first. */
  waitReady?: { timeoutMs: number };
  /** The log is rotated to `<log>.1` before the start when it is larger than this. */
  maxLogBytes?: number;
}

export interface StartDaemonResult {
  pid: number;
  alreadyRunning: boolean;
  logPath: string;
}

export interface StopDaemonOptions extends DaemonTarget {
  /** How long to wait after SIGTERM before SIGKILL. */
  timeoutMs?: number;
}

export interface StopDaemonResult {
  /** False when there was nothing of ours to stop (no pid file, or a stale one). */
  wasRunning: boolean;
  pid: number | null;
  /** True when SIGTERM was not enough and SIGKILL was sent. */
  forced: boolean;
}

export interface DaemonStatus {
  running: boolean;
  pid: number | null;
}

interface PidFile {
  pid: number;
  entry: string | null;
}

export function daemonPaths(target: DaemonTarget): { pidPath: string; logPath: string; lockPath: string } {
  const name = target.name ?? DEFAULT_DAEMON_NAME;
  return {
    pidPath: join(target.stateDir, name + PID_SUFFIX),
    logPath: join(target.stateDir, name + LOG_SUFFIX),
    lockPath: join(target.stateDir, name + LOCK_SUFFIX),
  };
}

function readPidFile(pidPath: string): PidFile | null {
  let text: string;
  try {
    text = readFileSync(pidPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const [first, second] = text.split("\n");
  const pid = Number.parseInt(first ?? "", 10);
  // Garbage in the pid file is as good as no pid file; it will be replaced.
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, entry: second?.trim() ? second.trim() : null };
}

/** True when a process with this pid exists and is ours to signal. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it is not the daemon we started.
    return false;
  }
}

/** The process's command line, or null if the OS will not tell us. */
export function commandLine(pid: number): string | null {
  if (process.platform === "linux") {
    try {
      // NUL-separated argv; empty for a zombie, which is no longer running anything.
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      return null;
    }
  }
  try {
    return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8", timeout: 2000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
}

function isOurs(info: PidFile): boolean {
  if (!processExists(info.pid)) return false;
  if (info.entry === null) return true;
  const cmdline = commandLine(info.pid);
  return cmdline === null ? true : cmdline.includes(info.entry);
}

export function daemonStatus(target: DaemonTarget): DaemonStatus {
  const info = readPidFile(daemonPaths(target).pidPath);
  if (info === null || !isOurs(info)) return { running: false, pid: null };
  return { running: true, pid: info.pid };
}

async function withStartLock<T>(target: DaemonTarget, work: () => Promise<T>): Promise<T> {
  // Two `linkup start` at once must not both see "not running" and spawn two servers.
  const release = await lockfile.lock(target.stateDir, {
    lockfilePath: daemonPaths(target).lockPath,
    retries: { retries: 40, minTimeout: 50, maxTimeout: 500 },
    stale: 15_000,
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

export async function startDaemon(options: StartDaemonOptions): Promise<StartDaemonResult> {
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const { pidPath, logPath } = daemonPaths(options);
  const entry = resolve(options.entry ?? LOCAL_SERVER_ENTRY);
  const name = options.name ?? DEFAULT_DAEMON_NAME;
  return withStartLock(options, async () => {
    const existing = readPidFile(pidPath);
    if (existing !== null && isOurs(existing)) return { pid: existing.pid, alreadyRunning: true, logPath };
    // Anything else in the pid file is stale (process gone, or the pid now someone else's).

    rotateLogFile(logPath, options.maxLogBytes ?? DEFAULT_LOG_MAX_BYTES);
    const logStart = fileSize(logPath);
    appendFileSync(logPath, `\n=== ${new Date().toISOString()} starting ${name}: ${entry} ===\n`, { mode: 0o600 });
    const logFd = openSync(logPath, "a", 0o600);
    let pid: number;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(process.execPath, [...(options.nodeFlags ?? []), entry, ...(options.args ?? [])], {
        detached: true, // its own process group: a Ctrl-C in the CLI's terminal does not reach it
        stdio: ["ignore", logFd, logFd, options.waitReady ? "pipe" : "ignore"],
        env: { ...process.env, ...options.env, ...(options.waitReady ? { [ENV.readyFd]: "3" } : {}) },
        cwd: options.cwd,
      });
      await new Promise<void>((resolveSpawn, rejectSpawn) => {
        child.once("spawn", resolveSpawn);
        child.once("error", rejectSpawn);
      });
      if (child.pid === undefined) throw new Error("no pid");
      pid = child.pid;
    } catch (error) {
      throw new LinkupError("DAEMON_START_FAILED", `Could not start ${name}: ${(error as Error).message}`, { cause: error });
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(logFd);
    }
    await writeFileAtomic(pidPath, `${pid}\n${entry}\n`, { mode: 0o644 });
    if (options.waitReady) {
      const outcome = await waitForReady(child, options.waitReady.timeoutMs);
      if (outcome.kind === "exited") {
        rmSync(pidPath, { force: true });
        const how = outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`;
        throw new LinkupError("DAEMON_EXITED", `the ${name.replace(/-/g, " ")} exited while starting (${how}):\n${logTail(logPath, logStart)}`, {
          hint: `the whole log is in ${logPath}`,
        });
      }
      if (outcome.kind === "timeout")
        throw new LinkupError(
          "DAEMON_START_TIMEOUT",
          `the ${name.replace(/-/g, " ")} (pid ${pid}) did not report ready within ${Math.round(options.waitReady.timeoutMs / 1000)} s:\n${logTail(logPath, logStart)}`,
          { hint: `it may still be starting; see ${logPath}, or end it with \`linkup stop\`` },
        );
    }
    // Let the CLI exit while the daemon keeps running.
    child.unref();
    return { pid, alreadyRunning: false, logPath };
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last lines a start logged (after `from`), indented, for an error message. */
export function logTail(logPath: string, from: number, lines = 15): string {
  let text = "";
  try {
    text = readFileSync(logPath).subarray(from).toString("utf8");
  } catch {
    return "  (no log)";
  }
  const kept = text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "" && !l.startsWith("=== "));
  return kept.length === 0 ? "  (it logged nothing)" : kept.slice(-lines).map((l) => `  ${l}`).join("\n");
}

type ReadyOutcome = { kind: "ready" } | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null } | { kind: "timeout" };

/** Waits for `ready` on the child's descriptor 3, its exit, or the deadline, whichever is first. */
function waitForReady(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<ReadyOutcome> {
  const pipe = child.stdio[3] as Readable | null;
  // It may have exited already, while the pid file was written.
  if (child.exitCode !== null || child.signalCode !== null) {
    pipe?.destroy();
    return Promise.resolve({ kind: "exited", code: child.exitCode, signal: child.signalCode });
  }
  return new Promise<ReadyOutcome>((resolveOutcome) => {
    let text = "";
    const finish = (outcome: ReadyOutcome) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      pipe?.off("data", onData);
      pipe?.destroy();
      resolveOutcome(outcome);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (/^ready\b/m.test(text)) finish({ kind: "ready" });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => finish({ kind: "exited", code, signal });
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    pipe?.on("data", onData);
    pipe?.on("error", () => {});
    child.once("exit", onExit);
  });
}

async function waitUntilGone(info: PidFile, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isOurs(info)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

export async function stopDaemon(options: StopDaemonOptions): Promise<StopDaemonResult> {
  const { pidPath } = daemonPaths(options);
  const info = readPidFile(pidPath);
  if (info === null || !isOurs(info)) {
    rmSync(pidPath, { force: true });
    return { wasRunning: false, pid: null, forced: false };
  }
  signal(info.pid, "SIGTERM");
  let forced = false;
  if (!(await waitUntilGone(info, options.timeoutMs ?? 5000))) {
    forced = true;
    signal(info.pid, "SIGKILL");
    if (!(await waitUntilGone(info, 2000))) {
      throw new LinkupError("DAEMON_STOP_FAILED", `${options.name ?? DEFAULT_DAEMON_NAME} (pid ${info.pid}) did not exit even after SIGKILL.`);
    }
  }
  rmSync(pidPath, { force: true });
  return { wasRunning: true, pid: info.pid, forced };
}

// Helpers a crashed local server left running. The local server records the helpers it starts:
// the workerd of the embedded worker (`embedded-worker.pid`: pid, `workerd`, the server's pid)
// and cloudflared (`cloudflared.pid`). Its watchdog (src/daemon/watchdog.ts) ends them when the
// server dies; if the watchdog died too, they outlive it, and workerd keeps the worker port so
// the next server cannot start. `start`/`apply` (before starting a server), `stop` and `health`
// use this module to find such helpers and end them.
//
// A recorded helper is an orphan when it is alive, its command line still shows what it is (a pid
// may since belong to an unrelated process, which is never signalled), and its server is gone:
// no local server runs, or the one that runs is not the one that recorded it.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PID_SUFFIX, STATE_FILES } from "../core/defaults.js";
import { cloudflaredFiles } from "./cloudflared-files.js";
import { commandLine, daemonStatus, processExists } from "./daemon.js";

export type HelperName = "embedded-worker" | "cloudflared";

export interface Orphan {
  name: HelperName;
  pid: number;
  pidFile: string;
}

interface HelperKind {
  name: HelperName;
  /** Its pid file in a state directory. */
  file: (stateDir: string) => string;
  /** Whether a command line is this helper's. */
  matches: (command: string) => boolean;
}

/** `embedded-worker.pid`, written by the local server (src/daemon/main.ts). */
export function embeddedWorkerPidFile(stateDir: string): string {
  return join(stateDir, STATE_FILES.embeddedWorker + PID_SUFFIX);
}

const HELPERS: HelperKind[] = [
  { name: "embedded-worker", file: (d) => embeddedWorkerPidFile(d), matches: (c) => c.includes("workerd") },
  { name: "cloudflared", file: (d) => cloudflaredFiles(d).pidFile, matches: (c) => c.includes("cloudflared") && c.includes("tunnel") },
];

interface HelperRecord {
  pid: number;
  /** The local server that started it, when recorded. */
  parent: number | null;
}

function readRecord(path: string): HelperRecord | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const [first, , third] = text.split("\n");
  const pid = Number.parseInt(first ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const parent = Number.parseInt(third ?? "", 10);
  return { pid, parent: Number.isInteger(parent) && parent > 0 ? parent : null };
}

/** The pid-file text for a helper: its pid, what it runs, and the local server that owns it. */
export function helperRecordText(pid: number, marker: string, parent: number): string {
  return `${pid}\n${marker}\n${parent}\n`;
}

/** Alive and not a zombie (a zombie's command line is empty). */
function running(pid: number): boolean {
  return processExists(pid) && commandLine(pid) !== "";
}

/** Recorded helpers that are alive while their local server is gone. */
export function findOrphans(stateDir: string): Orphan[] {
  const server = daemonStatus({ stateDir });
  const orphans: Orphan[] = [];
  for (const helper of HELPERS) {
    const pidFile = helper.file(stateDir);
    const record = readRecord(pidFile);
    if (record === null || !running(record.pid)) continue;
    const command = commandLine(record.pid);
    // The OS will not say what it runs: not provably ours, so not touched.
    if (command === null || !helper.matches(command)) continue;
    const owned = server.running && (record.parent === null || record.parent === server.pid);
    if (!owned) orphans.push({ name: helper.name, pid: record.pid, pidFile });
  }
  return orphans;
}

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (running(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Ends every orphan (SIGTERM, then SIGKILL after a few seconds) and removes its pid file. */
export async function stopOrphans(stateDir: string): Promise<Orphan[]> {
  const orphans = findOrphans(stateDir);
  for (const o of orphans) signal(o.pid, "SIGTERM");
  await Promise.all(
    orphans.map(async (o) => {
      if (!(await gone(o.pid, 3_000))) {
        signal(o.pid, "SIGKILL");
        await gone(o.pid, 2_000);
      }
      rmSync(o.pidFile, { force: true });
    }),
  );
  return orphans;
}

/** Removes helper pid files whose process is gone (left by a crash; harmless but misleading). */
export function removeStaleHelperFiles(stateDir: string): void {
  for (const helper of HELPERS) {
    const pidFile = helper.file(stateDir);
    const record = readRecord(pidFile);
    if (record === null || !running(record.pid)) rmSync(pidFile, { force: true });
  }
}

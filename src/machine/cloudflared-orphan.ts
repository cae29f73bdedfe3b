// `linkup stop` after a local server that died without ending its cloudflared (SIGKILL, crash):
// the supervisor's pid file is then left behind, possibly with cloudflared still running and
// holding the tunnel. End that process, but only if the pid still names a cloudflared tunnel
// runner (a pid may have been reused by an unrelated process since), and remove the pid file.
import { readFile, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { cloudflaredFiles } from "./cloudflared-files.js";
import { commandLine, processExists } from "./daemon.js";

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Exited, or a zombie (empty command line) waiting for a parent that is not ours to reap it. */
function running(pid: number): boolean {
  return processExists(pid) && commandLine(pid) !== "";
}

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = AbortSignal.timeout(timeoutMs);
  while (running(pid)) {
    if (deadline.aborted) return false;
    await sleep(25);
  }
  return true;
}

/** The pid of the orphaned cloudflared that was ended, or null when there was none. */
export async function stopOrphanCloudflared(stateDir: string): Promise<number | null> {
  // Written by the local server's cloudflared supervisor (src/daemon/cloudflared).
  const { pidFile } = cloudflaredFiles(stateDir);
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, "utf8")).split("\n")[0] ?? "", 10);
  } catch {
    return null;
  }
  let ended: number | null = null;
  if (Number.isInteger(pid) && pid > 0 && processExists(pid)) {
    const cmd = commandLine(pid);
    if (cmd !== null && cmd.includes("cloudflared") && cmd.includes("tunnel")) {
      signal(pid, "SIGTERM");
      if (!(await gone(pid, 5_000))) signal(pid, "SIGKILL");
      ended = pid;
    }
  }
  await rm(pidFile, { force: true });
  return ended;
}

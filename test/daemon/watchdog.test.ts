// The watchdog with real processes: a parent killed with SIGKILL takes its watched child with it;
// a clean exit (disarm) leaves the child alone; a pid whose command line no longer shows the
// marker is never signalled.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { processExists } from "../../src/machine/daemon.js";

const root = join(import.meta.dirname, "../..");
const leftovers: number[] = [];
const parents: ChildProcess[] = [];

afterEach(() => {
  for (const p of parents.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  if (!processExists(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function startParent(marker: string): Promise<{ parent: ChildProcess; pids: { parent: number; watchdog: number; child: number } }> {
  const parent = spawn(process.execPath, ["--import", "tsx", "test/daemon/fixtures/watchdog-parent.ts", marker], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  parents.push(parent);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: parent.stdout! }).once("line", resolve);
    parent.once("exit", (code) => reject(new Error(`parent exited with ${code}`)));
  });
  const pids = JSON.parse(line) as { parent: number; watchdog: number; child: number };
  leftovers.push(pids.child, pids.watchdog);
  return { parent, pids };
}

describe("watchdog", () => {
  it("kills the watched child when its parent is killed with SIGKILL", async () => {
    const { parent, pids } = await startParent("sleep");
    expect(running(pids.child)).toBe(true);
    parent.kill("SIGKILL");
    await until(() => !running(pids.child));
    await until(() => !running(pids.watchdog));
  }, 30_000);

  it("leaves the child alone after a clean shutdown (disarm)", async () => {
    const { parent, pids } = await startParent("sleep");
    const exited = new Promise((r) => parent.once("exit", r));
    parent.stdin!.write("disarm\n");
    await exited;
    await until(() => !running(pids.watchdog));
    expect(running(pids.child)).toBe(true);
  }, 30_000);

  it("never signals a pid whose command line lacks the marker", async () => {
    const { parent, pids } = await startParent("not-this-one");
    parent.kill("SIGKILL");
    await until(() => !running(pids.watchdog));
    expect(running(pids.child)).toBe(true);
  }, 30_000);
});

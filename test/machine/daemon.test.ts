// Background process management with real detached processes.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { daemonPaths, daemonStatus, startDaemon, stopDaemon, processExists as alive } from "../../src/machine/daemon.js";
import { waitForHttp } from "../../src/machine/wait-for-http.js";

const entry = resolve(import.meta.dirname, "fixtures/daemon-entry.mjs");
const name = "local-server";
let state: string;
const started = new Set<number>();

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(25);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), "linkup-daemon-"));
});
afterEach(async () => {
  await stopDaemon({ stateDir: state, name, timeoutMs: 1000 });
  for (const pid of started) {
    // Only a process still running our fixture: a stopped test daemon's pid may have been reused.
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes(entry)) process.kill(pid, "SIGKILL");
  }
  started.clear();
  rmSync(state, { recursive: true, force: true });
});

async function start(env: NodeJS.ProcessEnv = {}) {
  const result = await startDaemon({ stateDir: state, entry, args: ["--flag"], env, name });
  started.add(result.pid);
  return result;
}

describe("startDaemon", () => {
  it("starts detached with a pid file and an appended log; a second start is a no-op", async () => {
    const first = await start();
    expect(first.alreadyRunning).toBe(false);
    expect(alive(first.pid)).toBe(true);
    const { pidPath, logPath } = daemonPaths({ stateDir: state, name });
    expect(readFileSync(pidPath, "utf8")).toBe(`${first.pid}\n${entry}\n`);
    await until(() => existsSync(logPath) && readFileSync(logPath, "utf8").includes(`daemon-entry started pid=${first.pid} args=--flag`));

    const second = await start();
    expect(second).toMatchObject({ alreadyRunning: true, pid: first.pid });
    expect(daemonStatus({ stateDir: state, name })).toEqual({ running: true, pid: first.pid });
  });

  it("replaces a pid file whose process is gone", async () => {
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => gone.once("exit", r));
    writeFileSync(daemonPaths({ stateDir: state, name }).pidPath, `${gone.pid}\n${entry}\n`);
    expect(daemonStatus({ stateDir: state, name }).running).toBe(false);

    const result = await start();
    expect(result.alreadyRunning).toBe(false);
    expect(result.pid).not.toBe(gone.pid);
    expect(alive(result.pid)).toBe(true);
  });

  it("treats a pid reused by a process that is not ours as stale, and never signals it", async () => {
    // This test process is alive but is not running the entry script.
    writeFileSync(daemonPaths({ stateDir: state, name }).pidPath, `${process.pid}\n${entry}\n`);
    expect(daemonStatus({ stateDir: state, name })).toEqual({ running: false, pid: null });
    expect(await stopDaemon({ stateDir: state, name })).toEqual({ wasRunning: false, pid: null, forced: false });
    expect(existsSync(daemonPaths({ stateDir: state, name }).pidPath)).toBe(false);

    writeFileSync(daemonPaths({ stateDir: state, name }).pidPath, `${process.pid}\n${entry}\n`);
    const result = await start();
    expect(result.alreadyRunning).toBe(false);
    expect(result.pid).not.toBe(process.pid);
  });

  it("defaults to the name local-server", () => {
    expect(daemonPaths({ stateDir: state })).toMatchObject({
      pidPath: join(state, "local-server.pid"),
      logPath: join(state, "local-server.log"),
    });
  });

  it("replaces a garbage pid file", async () => {
    writeFileSync(daemonPaths({ stateDir: state, name }).pidPath, "not a pid\n");
    expect((await start()).alreadyRunning).toBe(false);
  });

  it("starts only one process when two starts race", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.pid).toBe(b.pid);
    expect([a.alreadyRunning, b.alreadyRunning].sort()).toEqual([false, true]);
  });
});

describe("stopDaemon", () => {
  it("sends SIGTERM, waits for exit, removes the pid file", async () => {
    const { pid, logPath } = await start();
    await until(() => readFileSync(logPath, "utf8").includes("daemon-entry started"));
    const result = await stopDaemon({ stateDir: state, name, timeoutMs: 5000 });
    expect(result).toEqual({ wasRunning: true, pid, forced: false });
    await until(() => !alive(pid));
    expect(existsSync(daemonPaths({ stateDir: state, name }).pidPath)).toBe(false);
    expect(readFileSync(logPath, "utf8")).toContain("stopping on SIGTERM");
    expect(daemonStatus({ stateDir: state, name })).toEqual({ running: false, pid: null });
  });

  it("falls back to SIGKILL after the timeout", async () => {
    const { pid, logPath } = await start({ DAEMON_IGNORE_SIGTERM: "1" });
    await until(() => readFileSync(logPath, "utf8").includes("daemon-entry started"));
    const result = await stopDaemon({ stateDir: state, name, timeoutMs: 300 });
    expect(result).toEqual({ wasRunning: true, pid, forced: true });
    await until(() => !alive(pid));
  });

  it("reports nothing to stop without a pid file", async () => {
    expect(await stopDaemon({ stateDir: state, name })).toEqual({ wasRunning: false, pid: null, forced: false });
  });
});

describe("waitForHttp", () => {
  it("resolves once the daemon answers", async () => {
    const port = await freePort();
    await start({ DAEMON_HTTP_PORT: String(port) });
    await waitForHttp(`http://127.0.0.1:${port}/`, 10_000);
  });

  it("times out with a LinkupError when nothing listens", async () => {
    const port = await freePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, 300)).rejects.toMatchObject({ code: "SERVER_NOT_READY" });
  });

  it("gives up early when the process died", async () => {
    const port = await freePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, 10_000, { alive: () => false })).rejects.toMatchObject({ code: "SERVER_EXITED" });
  });
});

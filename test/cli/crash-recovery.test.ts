// A crashed local server leaves nothing running (the real CLI, the real daemon hosting the
// embedded worker under workerd). `kill -9` of the server: its watchdog ends workerd, the worker
// port is free, and the next `start` works. If the watchdog died too (an OOM kill of everything),
// the workerd left behind is found from its pid file: `health` reports it, `start` ends it before
// starting a new server, `stop` ends it. Nothing that is not ours is ever signalled.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childProcesses } from "../../src/machine/process-table.js";
import { stateDirId } from "../../src/machine/state-dir.js";
import { isolatedRuntimeEnv } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

/** Running, not merely a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function check(url: string): Promise<{ role: string; state_id: string } | null> {
  try {
    const res = await fetch(`${url}/linkup/check`, { signal: AbortSignal.timeout(2_000) });
    return (await res.json()) as { role: string; state_id: string };
  } catch {
    return null;
  }
}

describe("after a crash of the local server", () => {
  const home = mkdtempSync(join(tmpdir(), "linkup-crash-"));
  let p: Project;
  let env: Record<string, string>;
  let workerUrl: string;
  let proxyUrl: string;
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env });
  const serverPid = () => Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
  const workerdRecord = () => readFileSync(join(home, "embedded-worker.pid"), "utf8").split("\n");

  beforeAll(async () => {
    p = makeProject();
    p.write(`services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - type: tunneled
    routes: { web: local }
`);
    env = await isolatedRuntimeEnv(home);
    workerUrl = `http://127.0.0.1:${env.LINKUP_WORKER_PORT}`;
    proxyUrl = `http://127.0.0.1:${env.LINKUP_PROXY_PORT}`;
  });

  afterAll(async () => {
    await cli(["stop"]);
    rmSync(home, { recursive: true, force: true });
    p.remove();
  });

  it("start records workerd with its server; every listener answers /linkup/check as this state directory", async () => {
    const s = await cli(["start"]);
    expect(s.code, s.stderr).toBe(0);
    const [pid, marker, parent] = workerdRecord();
    expect(marker).toBe("workerd");
    expect(Number(parent)).toBe(serverPid());
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain("workerd");
    for (const [url, role] of [
      [workerUrl, "worker"],
      [proxyUrl, "local-proxy"],
      [`http://127.0.0.1:${env.LINKUP_ADMIN_PORT}`, "local-admin"],
    ] as const)
      expect(await check(url)).toMatchObject({ role, state_id: stateDirId(home) });
  }, 60_000);

  it("kill -9 of the server takes workerd with it, and the next start works", async () => {
    const workerd = Number(workerdRecord()[0]);
    process.kill(serverPid(), "SIGKILL");
    await until(() => !alive(workerd));
    await until(async () => (await check(workerUrl)) === null);

    const again = await cli(["start", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).result).toBe("unchanged");
    expect(await check(workerUrl)).toMatchObject({ role: "worker" });
    expect(await check(proxyUrl)).toMatchObject({ role: "local-proxy" });
  }, 60_000);

  it("a workerd left by a server killed together with its watchdog: health reports it, start ends it first", async () => {
    const workerd = Number(workerdRecord()[0]);
    const daemon = serverPid();
    for (const w of childProcesses(daemon, "linkup-watchdog")) process.kill(w.pid, "SIGKILL");
    process.kill(daemon, "SIGKILL");
    await until(() => !alive(daemon));
    // Nothing ended it: it still holds the worker port.
    expect(alive(workerd)).toBe(true);
    expect(await check(workerUrl)).toMatchObject({ role: "worker" });

    const h = JSON.parse((await cli(["health", "--json"])).stdout);
    expect(h.orphans).toContainEqual(expect.objectContaining({ name: "embedded-worker", pid: workerd }));
    const text = (await cli(["health"])).stdout;
    expect(text).toContain(`orphaned: embedded-worker pid ${workerd}`);

    const again = await cli(["start"]);
    expect(again.code, again.stderr).toBe(0);
    expect(alive(workerd)).toBe(false);
    expect(Number(workerdRecord()[0])).not.toBe(workerd);
    expect(await check(workerUrl)).toMatchObject({ role: "worker" });
  }, 90_000);

  it("stop ends such a workerd too, and says so", async () => {
    const workerd = Number(workerdRecord()[0]);
    const daemon = serverPid();
    for (const w of childProcesses(daemon, "linkup-watchdog")) process.kill(w.pid, "SIGKILL");
    process.kill(daemon, "SIGKILL");
    await until(() => !alive(daemon));
    expect(alive(workerd)).toBe(true);

    const stop = await cli(["stop", "--json"]);
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ stopped: false, orphan_embedded_worker_pid: workerd });
    expect(alive(workerd)).toBe(false);
    expect(existsSync(join(home, "embedded-worker.pid"))).toBe(false);
    await until(async () => (await check(workerUrl)) === null);
  }, 60_000);
});

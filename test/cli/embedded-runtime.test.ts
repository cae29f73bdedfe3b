// The embedded default: no worker_url. `linkup start` launches the local-server daemon, which
// also hosts the worker under Miniflare; `linkup stop` ends it. Ports are free ones so this test
// never touches a developer's running Linkup.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localServerProcess } from "../../src/core/settings.js";
import { isolatedRuntimeEnv } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject } from "./support/project.js";

describe("embedded runtime", () => {
  const home = mkdtempSync(join(tmpdir(), "linkup-home-"));
  const p = makeProject();
  let env: Record<string, string> = {};
  afterAll(async () => {
    // Whatever happened, the daemon this test may have started is ended.
    await runCli(["stop"], { cwd: p.dir, env });
    rmSync(home, { recursive: true, force: true });
    p.remove();
  });

  it("start brings up the daemon with the embedded worker; stop ends it", async () => {
    env = await isolatedRuntimeEnv(home);
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
    const s = await runCli(["start", "--json"], { cwd: p.dir, env });
    expect(s.stderr.replace(/^starting the local server.*\n/m, "")).toBe("");
    expect(s.code).toBe(0);
    const started = JSON.parse(s.stdout);
    expect(started.result).toBe("created");
    expect(started.tunnel_url).toBeTruthy();

    const list = JSON.parse((await runCli(["sessions", "list", "--json"], { cwd: p.dir, env })).stdout);
    expect(list.unavailable).toEqual([]);
    expect(list.sessions).toEqual([expect.objectContaining({ name: started.session, placements: ["local", "worker"], personal: true })]);

    const h = JSON.parse((await runCli(["health", "--json"], { cwd: p.dir, env })).stdout);
    expect(h.local_server.reachable).toBe(true);
    expect(h.local_server.pid).toBeGreaterThan(0);
    expect(h.worker).toMatchObject({ embedded: true, reachable: true });
    // The daemon runs with the process settings the proxy's streaming figures depend on (core/settings.ts).
    const LOCAL_SERVER_PROCESS = localServerProcess(process.versions.node);
    const environ = readFileSync(`/proc/${h.local_server.pid}/environ`, "latin1").split("\0");
    for (const [name, value] of Object.entries(LOCAL_SERVER_PROCESS.env)) expect(environ).toContain(`${name}=${value}`);
    const argv = readFileSync(`/proc/${h.local_server.pid}/cmdline`, "utf8").split("\0");
    expect(argv.slice(1, 1 + LOCAL_SERVER_PROCESS.nodeFlags.length)).toEqual(LOCAL_SERVER_PROCESS.nodeFlags);

    // The local server's log, with the embedded worker it hosts, without hunting for the file.
    const logs = await runCli(["logs"], { cwd: p.dir, env });
    expect(logs.stdout).toMatch(new RegExp(`^\\S+Z linkup local server started: pid=${h.local_server.pid} .*worker=http://127\\.0\\.0\\.1:${env.LINKUP_WORKER_PORT} `, "m"));

    const stop = JSON.parse((await runCli(["stop", "--json"], { cwd: p.dir, env })).stdout);
    expect(stop).toMatchObject({ stopped: true, pid: h.local_server.pid });
    // Restarting brings the same personal session back, unchanged.
    const again = JSON.parse((await runCli(["start", "--json"], { cwd: p.dir, env })).stdout);
    expect(again).toMatchObject({ session: started.session, result: "unchanged" });
  });
});

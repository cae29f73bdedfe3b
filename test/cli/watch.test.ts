// `apply --watch` through the real CLI in a terminal (a pseudo-terminal from util-linux `script`):
// each pass prints the time and what changed per session, the URLs after the first pass, and
// "config valid again" after a broken save is fixed; drift (a `linkup route` from another
// terminal) is reported and healed; a local server that dies is reported and started again;
// Ctrl-C leaves the sessions in place. `-o json` events carry timestamps and the changes.
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "../../src/clients/admin-client.js";
import { isolatedRuntimeEnv, startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";
import { spawnCliPty, type RunningPty } from "./support/pty.js";

const T = "\\d\\d:\\d\\d:\\d\\d";

describe("apply --watch", () => {
  let b: Backends;
  let p: Project;
  let watcher: RunningPty | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
    env = { ...b.env, TEST_WORKER_TOKEN: b.workerToken };
  });
  afterAll(async () => {
    await watcher?.kill();
    await b?.close();
    p?.remove();
  });

  it("prints the time and the change per session, the URLs after the first pass, and recovers from an invalid save", async () => {
    const cfg = (sessions: string) => configYaml(b, { configId: "watch", sessions });
    p.write(cfg("  - name: w1\n    type: preview\n"));
    watcher = spawnCliPty(["apply", "--watch"], { cwd: p.dir, env });
    await watcher.waitFor(new RegExp(`^${T} session/w1 created$`, "m"));
    await watcher.waitFor(new RegExp(`^${T}   w1: https://w1\\.example\\.com/$`, "m"));
    await watcher.waitFor(new RegExp(`^${T} watching .*linkup\\.yaml`, "m"));

    let mark = watcher.output().length;
    p.write(cfg("  - name: w1\n    type: preview\n  - name: w2\n    type: preview\n    routes: { api: https://api-w2.example.com }\n"));
    await watcher.waitFor(new RegExp(`^${T} session/w2 created$`, "m"), mark);
    await watcher.waitFor(new RegExp(`^${T}   w2: https://w2\\.example\\.com/$`, "m"), mark);
    expect(watcher.output().slice(mark)).not.toMatch(/session\/w1/);

    mark = watcher.output().length;
    p.write(cfg("  - name: w1\n    type: preview\n    routes: { nope: local }\n"));
    await watcher.waitFor(new RegExp(`${T} invalid config[\\s\\S]*linkup\\.yaml:\\d+:\\d+`), mark);
    expect((await b.workerRecords()).map((r) => r.name).sort()).toEqual(["w1", "w2"]);

    mark = watcher.output().length;
    // The fix is announced, then the change itself; the local override is watched too.
    p.write(cfg("  - name: w1\n    type: preview\n    routes: { web: https://web-w1.example.com }\n"));
    p.write("sessions:\n  - name: mine\n    type: preview\n    routes: { web: https://web-mine.example.com }\n", "linkup.local.yaml");
    await watcher.waitFor(new RegExp(`^${T} config valid again$`, "m"), mark);
    await watcher.waitFor(new RegExp(`^${T} session/w1 configured: web remote → https://web-w1\\.example\\.com$`, "m"), mark);
    await watcher.waitFor(new RegExp(`^${T} session/mine created$`, "m"), mark);
    const w1 = (await b.workerRecords()).find((r) => r.name === "w1");
    expect(w1?.spec.services.find((s) => s.name === "web")?.route).toBe("https://web-w1.example.com");
    const mine = (await b.workerRecords()).find((r) => r.name === "mine");
    expect(mine?.spec.services.find((s) => s.name === "web")?.route).toBe("https://web-mine.example.com");
    expect(mine?.owner).toMatch(/-[0-9a-f]{8}$/);

    // Ctrl-C in the terminal: exit 0, and without --prune w2 stays.
    expect(await watcher.interrupt()).toBe(0);
    watcher = undefined;
    expect((await b.workerRecords()).map((r) => r.name).sort()).toEqual(["mine", "w1", "w2"]);
    rmSync(join(p.dir, "linkup.local.yaml"), { force: true });
  });

  it("reports drift from another terminal and heals it", async () => {
    p.write(configYaml(b, { configId: "drift", sessions: "  - name: dr\n    type: tunneled\n    routes: { web: local }\n" }));
    watcher = spawnCliPty(["apply", "--watch"], { cwd: p.dir, env });
    await watcher.waitFor(new RegExp(`^${T} watching `, "m"));
    const mark = watcher.output().length;

    // Someone switches web to remote with `linkup route`: the live state no longer matches the config.
    const route = await runCli(["route", "remote", "web", "--session", "dr"], { cwd: p.dir, env });
    expect(route.code, route.stderr).toBe(0);
    await watcher.waitFor(new RegExp(`^${T} drift: session/dr changed on [a-z, ]+ \\(web is remote, the config says local\\); re-applying$`, "m"), mark);
    await watcher.waitFor(new RegExp(`^${T} session/dr configured: web remote → local$`, "m"), mark);
    // Healed on both sides (the route command wrote both; the watch may heal them in one pass or two).
    const webRoute = async () => [...(await b.localRecords()), ...(await b.workerRecords())].filter((r) => r.name === "dr").map((r) => r.spec.services.find((s) => s.name === "web")?.route);
    await expect.poll(webRoute, { timeout: 20_000, interval: 100 }).toEqual(["local", "local"]);
    expect((await runCli(["diff", "-q"], { cwd: p.dir, env })).code).toBe(0);
    expect(await watcher.interrupt()).toBe(0);
    watcher = undefined;
  });

  it("-o json: one event per line, each with a timestamp, applied and drift events with the field changes", async () => {
    p.write(configYaml(b, { configId: "jsonw", sessions: "  - name: js\n    type: tunneled\n    routes: { web: local }\n" }));
    watcher = spawnCliPty(["apply", "--watch", "-o", "json"], { cwd: p.dir, env });
    await watcher.waitFor(/"type":"watching"/);
    const mark = watcher.output().length;
    expect((await runCli(["route", "remote", "web", "--session", "js"], { cwd: p.dir, env })).code).toBe(0);
    await watcher.waitFor(/"type":"applied".*"trigger":\["drift"\]/, mark);
    expect(await watcher.interrupt()).toBe(0);
    const events = watcher
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { type: string; at: string; [k: string]: unknown });
    watcher = undefined;
    for (const e of events) expect(new Date(e.at).toISOString()).toBe(e.at);
    expect(events[0]).toMatchObject({ type: "applied", first: true, trigger: ["start"], outcomes: [expect.objectContaining({ name: "js", result: "created" })] });
    const drift = events.find((e) => e.type === "drift");
    expect(drift).toMatchObject({ sessions: [expect.objectContaining({ name: "js", kind: "update", changes: [{ path: "services[web].route", from: "remote", to: "local" }] })] });
    const healed = events.find((e) => e.type === "applied" && (e.trigger as string[]).includes("drift"));
    expect(healed).toMatchObject({ changes: [expect.objectContaining({ name: "js", changes: [{ path: "services[web].route", from: "remote", to: "local" }] })] });
  });
});

describe("apply --watch when the local server dies", () => {
  const home = mkdtempSync(join(tmpdir(), "linkup-home-"));
  const p = makeProject();
  let env: Record<string, string> = {};
  let watcher: RunningPty | undefined;
  afterAll(async () => {
    await watcher?.kill();
    // Whatever happened, the local server this test started is ended.
    await runCli(["stop"], { cwd: p.dir, env });
    rmSync(home, { recursive: true, force: true });
    p.remove();
  });

  it("says so, starts it again, and the sessions are back", async () => {
    env = await isolatedRuntimeEnv(home);
    // An isolated session lives on the local server alone: no worker is needed.
    p.write(`services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - name: solo
    type: isolated
    routes: { web: local }
`);
    watcher = spawnCliPty(["apply", "--watch"], { cwd: p.dir, env });
    await watcher.waitFor(new RegExp(`^${T} started the local server$`, "m"), 0, 60_000);
    await watcher.waitFor(new RegExp(`^${T} session/solo created$`, "m"));
    await watcher.waitFor(new RegExp(`^${T} watching `, "m"));
    const firstPid = Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
    expect(firstPid).toBeGreaterThan(0);
    const mark = watcher.output().length;

    process.kill(firstPid, "SIGKILL");
    await watcher.waitFor(new RegExp(`^${T} local server stopped answering \\(.+\\); restarting it$`, "m"), mark);
    await watcher.waitFor(new RegExp(`^${T} started the local server$`, "m"), mark, 60_000);
    const secondPid = Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
    expect(secondPid).not.toBe(firstPid);
    // The sessions survived in the state directory: the new server holds solo, unchanged.
    const live = await adminClient({ stateDir: home, adminPort: Number(env.LINKUP_ADMIN_PORT) }).list();
    expect(live.map((r) => [r.name, r.version])).toEqual([["solo", 1]]);
    expect(watcher.output().slice(mark)).not.toMatch(/session\/solo (created|configured)/);
    expect(await watcher.interrupt()).toBe(0);
    watcher = undefined;
  });
});

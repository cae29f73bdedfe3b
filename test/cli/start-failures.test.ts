// A start that fails says why, at once (the real CLI, the real local-server process): a corrupt or
// empty sessions.json, a port held by another program or by another Linkup. The CLI watches the
// server while it starts; when it exits, the CLI prints its last log lines and exits 2 without
// waiting out its 20 s start timeout (a message about that timeout would fail these tests). Also
// the admin-token file deleted while the server runs: a clear error and a non-zero exit, and the
// documented recovery works.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { isolatedRuntimeEnv } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

const CONFIG = `services:
  - name: web
    local: http://127.0.0.1:3000
domains:
  - domain: example.com
    default_service: web
sessions:
  - type: isolated
    routes: { web: local }
`;

let home: string;
let p: Project;
let env: Record<string, string>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), "linkup-startfail-"));
  p = makeProject();
  p.write(CONFIG);
  env = await isolatedRuntimeEnv(home);
});

afterEach(async () => {
  await runCli(["stop"], { cwd: p.dir, env });
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(home, { recursive: true, force: true });
  p.remove();
});


const start = () => runCli(["start"], { cwd: p.dir, env });

function expectPromptFailure(r: { code: number; stderr: string }): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toContain("did not come up in time");
  expect(r.stderr).not.toContain("did not report ready");
}

describe("a background server that cannot start", () => {
  it("with a corrupt sessions.json: exit 2 with the server's own log line", async () => {
    writeFileSync(join(home, "sessions.json"), '{"format": 1, "sessions": {');
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain("the local server exited while starting (exit code 1)");
    expect(r.stderr).toContain(`${join(home, "sessions.json")} is not valid JSON`);
    expect(r.stderr).toContain(join(home, "local-server.log"));
  });

  it("with an empty sessions.json: the same", async () => {
    writeFileSync(join(home, "sessions.json"), "");
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain("sessions.json is not valid JSON");
  });

  it("with its proxy port held by another program: names the port and the program kind", async () => {
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(Number(env.LINKUP_PROXY_PORT), "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain(`the Linkup proxy port 127.0.0.1:${env.LINKUP_PROXY_PORT} is in use by another program`);
    expect(r.stderr).toContain("LINKUP_PROXY_PORT");
  });

  it("with its proxy port held by an HTTP server that is not Linkup: says so", async () => {
    const other = http.createServer((_req, res) => res.end("hello"));
    await new Promise<void>((r) => other.listen(Number(env.LINKUP_PROXY_PORT), "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => other.close(() => r())));
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain("an HTTP server that is not Linkup");
  });

  it("with its proxy port held by another Linkup: names its state directory and how to stop it", async () => {
    const otherHome = mkdtempSync(join(tmpdir(), "linkup-other-"));
    const other: LocalServer = await startLocalServer({ stateDir: otherHome, port: Number(env.LINKUP_PROXY_PORT), adminPort: 0 });
    cleanups.push(async () => {
      await other.close();
      rmSync(otherHome, { recursive: true, force: true });
    });
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain(`port 127.0.0.1:${env.LINKUP_PROXY_PORT} is held by another Linkup`);
    expect(r.stderr).toContain(`state directory ${otherHome}`);
    expect(r.stderr).toContain(`LINKUP_HOME=${otherHome} linkup stop`);
  });

  it("with the embedded worker's port taken: reported as a failure although proxy and admin came up first", async () => {
    p.write(CONFIG.replace("    local: http://127.0.0.1:3000\n", "    local: http://127.0.0.1:3000\n    remote: https://web.example.com\n").replace("type: isolated", "type: tunneled"));
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(Number(env.LINKUP_WORKER_PORT), "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain(`the embedded worker port 127.0.0.1:${env.LINKUP_WORKER_PORT} is in use by another program`);
    // The server that had opened its other listeners is gone with them.
    const h = JSON.parse((await runCli(["health", "--json"], { cwd: p.dir, env })).stdout);
    expect(h.local_server.reachable).toBe(false);
  }, 60_000);

  it("with its admin port held by another Linkup: refuses before starting anything", async () => {
    const otherHome = mkdtempSync(join(tmpdir(), "linkup-other-"));
    const other: LocalServer = await startLocalServer({ stateDir: otherHome, port: 0, adminPort: Number(env.LINKUP_ADMIN_PORT) });
    cleanups.push(async () => {
      await other.close();
      rmSync(otherHome, { recursive: true, force: true });
    });
    const r = await start();
    expectPromptFailure(r);
    expect(r.stderr).toContain(`the Linkup admin API port 127.0.0.1:${env.LINKUP_ADMIN_PORT} is held by another Linkup`);
    expect(r.stderr).toContain(`LINKUP_HOME=${otherHome} linkup stop`);
    // Nothing was started here.
    const h = JSON.parse((await runCli(["health", "--json"], { cwd: p.dir, env })).stdout);
    expect(h.processes.filter((x: { alive: boolean }) => x.alive)).toEqual([]);
  });
});

describe("the admin-token file deleted while the server runs", () => {
  it("says the token is missing and how to recover, with a non-zero exit; the recovery works", async () => {
    const s = await start();
    expect(s.code, s.stderr).toBe(0);
    unlinkSync(join(home, "admin-token"));

    const list = await runCli(["sessions", "list"], { cwd: p.dir, env });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(`its admin token file ${join(home, "admin-token")} is missing`);
    expect(list.stderr).toContain("run `linkup stop`, then `linkup start`");
    expect(list.stderr).not.toContain("could not reach");

    const apply = await runCli(["apply"], { cwd: p.dir, env });
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain("admin token file");

    expect((await runCli(["stop"], { cwd: p.dir, env })).code).toBe(0);
    expect((await start()).code).toBe(0);
    const again = await runCli(["sessions", "list", "--json"], { cwd: p.dir, env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).sessions).toHaveLength(1);
  });
});

describe("a program on a Linkup port that accepts connections and closes them", () => {
  it("does not make commands exit silently in the middle (their deadlines keep the process alive)", async () => {
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(Number(env.LINKUP_ADMIN_PORT), "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const h = await runCli(["health"], { cwd: p.dir, env });
    expect(h.stdout).toContain("local server: ");
    expect(h.stdout).toContain("reachable no");
    const list = await runCli(["sessions", "list"], { cwd: p.dir, env });
    expect(list.stderr).toContain("warning: could not reach the local server");
    expect(list.stdout).toContain("no sessions");
  }, 60_000);
});

describe("a damaged personal-session.json", () => {
  it("start takes the personal session's name back instead of minting a new one and leaving the old behind", async () => {
    const first = await runCli(["start", "--json"], { cwd: p.dir, env });
    expect(first.code, first.stderr).toBe(0);
    const name = JSON.parse(first.stdout).session as string;
    writeFileSync(join(home, "personal-session.json"), '{"broken": ');

    const again = await runCli(["start", "--json"], { cwd: p.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ session: name, result: "unchanged" });
    expect(again.stderr).toContain(`recovered from the sessions this config manages: ${name}`);
    const list = JSON.parse((await runCli(["sessions", "list", "--json"], { cwd: p.dir, env })).stdout);
    expect(list.sessions.map((s: { name: string }) => s.name)).toEqual([name]);
  }, 60_000);
});

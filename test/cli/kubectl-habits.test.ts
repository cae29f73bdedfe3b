// The habits kubectl users bring, through the real CLI (in a terminal where it matters): `version`,
// `--dry-run=server` (the servers check the writes and store nothing), `-v` showing API calls,
// `-q`, LINKUP_EXTERNAL_DIFF, and "did you mean" for a mistyped value.
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINKUP_VERSION } from "../../src/core/api.js";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";
import { runCliPty, stripAnsi } from "./support/pty.js";

describe("kubectl habits", () => {
  let b: Backends;
  let p: Project;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env });
  const sessions = "  - name: team-a\n    type: tunneled\n    routes: { web: local }\n  - name: pv\n    type: preview\n";

  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
    p.write(configYaml(b, { configId: "habits", sessions }));
    env = { ...b.env, TEST_WORKER_TOKEN: b.workerToken };
  });
  afterAll(async () => {
    await b?.close();
    p?.remove();
  });

  it("version: the client's, the local server's and the worker's, in a terminal and as JSON", async () => {
    const r = await runCliPty(["version"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const lines = stripAnsi(r.tty).trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Client Version: ${LINKUP_VERSION.replace(/\./g, "\\.")} \\(API 1\\.1\\.0, node v\\d+`));
    expect(lines[1]).toBe(`Local Server Version: ${LINKUP_VERSION} (API 1.1.0) at http://127.0.0.1:${b.adminPort}`);
    expect(lines[2]).toBe(`Worker Version: ${LINKUP_VERSION} (API 1.1.0) at ${b.workerUrl}`);
    const j = JSON.parse((await cli(["version", "-o", "json"])).stdout);
    expect(j).toMatchObject({
      client: { version: LINKUP_VERSION, api_version: "1.1.0" },
      local_server: { reachable: true, version: LINKUP_VERSION, api_version: "1.1.0" },
      worker: { url: b.workerUrl, embedded: false, reachable: true, version: LINKUP_VERSION },
    });
    // Nothing answering: still exit 0, saying so.
    const down = await runCliPty(["version"], { cwd: p.dir, env: { ...env, LINKUP_ADMIN_PORT: "9" } });
    expect(down.code).toBe(0);
    expect(stripAnsi(down.tty)).toContain("Local Server Version: not reachable at http://127.0.0.1:9");
    expect((await runCliPty(["--version"], { cwd: p.dir, env })).tty.trim()).toBe(LINKUP_VERSION);
  });

  it("apply --dry-run=server: both servers check every write and store nothing", async () => {
    const before = { local: await b.localRecords(), worker: await b.workerRecords() };
    const r = await runCliPty(["apply", "--dry-run=server"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(stripAnsi(r.tty).trimEnd().split("\n").sort()).toEqual(["session/pv created (server dry run)", "session/team-a created (server dry run)"]);
    expect(await b.localRecords()).toEqual(before.local);
    expect(await b.workerRecords()).toEqual(before.worker);
    // With -v every call shows, and the writes carry the dry-run flag.
    const v = await cli(["apply", "--dry-run=server", "-v", "-o", "name"]);
    expect(v.stdout.trim().split("\n").sort()).toEqual(["session/pv", "session/team-a"]);
    expect(v.stderr).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/linkup\/v1\/sessions\/team-a\?dry_run=1 201 in \d+ ms$/m);
    expect(v.stderr).toMatch(/^PUT .*\/linkup\/v1\/sessions\/pv\?dry_run=1 201 in \d+ ms$/m);
    expect(v.stderr).not.toContain(b.workerToken);
    // No tunnel was provisioned either.
    expect(v.stderr).not.toMatch(/\/tunnel/);
    expect(await b.workerRecords()).toEqual(before.worker);

    // Once applied for real, a server dry run of a change reports it, and the record stays as it was.
    expect((await cli(["apply"])).code).toBe(0);
    const applied = await b.workerRecords();
    p.write(configYaml(b, { configId: "habits", sessions: sessions.replace("{ web: local }", "{ web: remote }") }));
    const change = await cli(["apply", "--dry-run=server", "-o", "json"]);
    expect(change.code, change.stderr).toBe(0);
    expect(JSON.parse(change.stdout)).toMatchObject({ dry_run: "server", failed: [], sessions: expect.arrayContaining([expect.objectContaining({ name: "team-a", result: "configured" }), expect.objectContaining({ name: "pv", result: "unchanged" })]) });
    expect(await b.workerRecords()).toEqual(applied);
    // A bare --dry-run is the client one: plan, print, stop.
    const client = await cli(["apply", "--dry-run"]);
    expect(client.stdout).toContain("diff session/team-a (local, worker): will be changed");
    p.write(configYaml(b, { configId: "habits", sessions }));
  });

  it("route and sessions delete take --dry-run=server too and leave the session as it is", async () => {
    const before = await b.workerRecords();
    const route = await cli(["route", "remote", "web", "--session", "team-a", "--dry-run=server"]);
    expect(route.code, route.stderr).toBe(0);
    expect(route.stdout).toMatch(/^session\/team-a configured \(server dry run\)$/m);
    const del = await cli(["sessions", "delete", "--dry-run", "pv"]);
    expect(del.stdout.trim()).toBe("session/pv deleted (worker) (client dry run)");
    const delServer = await cli(["sessions", "delete", "pv", "--dry-run=server", "-o", "json"]);
    expect(JSON.parse(delServer.stdout)).toEqual({ name: "pv", deleted: ["worker"], dry_run: "server" });
    expect(await b.workerRecords()).toEqual(before);
  });

  it("refuses a server dry run against a server that would ignore the flag, sending it nothing", async () => {
    // A stand-in for a worker deployed before API 1.1 (the documented /check answer of 1.0).
    const seen: string[] = [];
    const old: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      res.end(req.url?.endsWith("/check") ? JSON.stringify({ ok: true, version: "1.0.0" }) : JSON.stringify({ sessions: [] }));
    });
    await new Promise<void>((r) => old.listen(0, "127.0.0.1", r));
    try {
      const oldUrl = `http://127.0.0.1:${(old.address() as { port: number }).port}`;
      writeFileSync(join(p.dir, "old.yaml"), configYaml({ ...b, workerUrl: oldUrl }, { configId: "old", sessions: "  - name: pv-old\n    type: preview\n" }));
      const r = await cli(["apply", "-f", "old.yaml", "--dry-run=server", "-o", "json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).sessions[0]).toMatchObject({ name: "pv-old", result: "failed" });
      expect(JSON.parse(r.stdout).sessions[0].error).toMatch(/speaks API 1\.0\.0, which has no server-side dry run \(nothing was sent\)/);
      expect(seen.filter((s) => s.startsWith("PUT") || s.startsWith("DELETE"))).toEqual([]);
    } finally {
      await new Promise<void>((r) => old.close(() => r()));
    }
  });

  it("-q keeps results and drops progress and notes", async () => {
    const normal = await cli(["sessions", "list"]);
    const quiet = await cli(["sessions", "list", "-q"]);
    expect(quiet.stdout).toBe(normal.stdout);
    const down = { ...env, LINKUP_ADMIN_PORT: "9" };
    const noisy = await runCli(["sessions", "list"], { cwd: p.dir, env: down });
    expect(noisy.stderr).toContain("warning: could not reach the local server");
    const silent = await runCli(["-q", "sessions", "list"], { cwd: p.dir, env: down });
    expect(silent.stderr).toBe("");
  });

  it("LINKUP_EXTERNAL_DIFF gets the live and desired YAML trees", async () => {
    p.write(configYaml(b, { configId: "habits", sessions: sessions.replace("type: preview\n", "type: preview\n    routes: { api: https://api-pv.example.com }\n") }));
    const r = await cli(["diff"]);
    expect(r.code).toBe(1);
    const ext = await runCli(["diff"], { cwd: p.dir, env: { ...env, LINKUP_EXTERNAL_DIFF: "diff -N -u" } });
    expect(ext.code, ext.stderr).toBe(1);
    expect(ext.stdout).toMatch(/^--- \S+\/live\/session\.pv\.worker\.yaml\t/m);
    expect(ext.stdout).toMatch(/^\+\+\+ \S+\/desired\/session\.pv\.worker\.yaml\t/m);
    expect(ext.stdout).toContain("+    route: https://api-pv.example.com");
    // A program that fails is an error, not "differences".
    writeFileSync(join(p.dir, "fails.sh"), "#!/bin/sh\nexit 3\n", { mode: 0o755 });
    const broken = await runCli(["diff"], { cwd: p.dir, env: { ...env, LINKUP_EXTERNAL_DIFF: `${join(p.dir, "fails.sh")} -u` } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("LINKUP_EXTERNAL_DIFF program exited with 3");
    p.write(configYaml(b, { configId: "habits", sessions }));
  });

  it("suggests the value you meant", async () => {
    const r = await cli(["route", "locall", "web"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are local, remote. Did you mean "local"?');
    const o = await cli(["status", "-o", "yml"]);
    expect(o.stderr).toContain('Did you mean "yaml"?');
  });
});

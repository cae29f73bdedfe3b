// apply and diff through the real CLI process, against the worker and the local server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";

const SESSIONS = `  - name: pr-1
    type: preview
    routes: { api: https://api-pr-1.example.com }
  - name: team-a
    type: tunneled
    routes: { web: local }
  - name: iso
    type: isolated
    routes: { api: local }
`;

describe("apply and diff", () => {
  let b: Backends;
  let p: Project;
  const cli = (args: string[], input?: string) =>
    runCli(args, { cwd: p.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken }, ...(input !== undefined ? { input } : {}) });
  const versions = async () => {
    const all = [...(await b.localRecords()).map((r) => `local/${r.name}@${r.version}`), ...(await b.workerRecords()).map((r) => `worker/${r.name}@${r.version}`)];
    return all.sort();
  };

  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
    p.write(configYaml(b, { configId: "team", sessions: SESSIONS }));
  });
  afterAll(async () => {
    await b?.close();
    p?.remove();
  });

  it("diff exits 1 with a unified diff and a summary before the first apply", async () => {
    const r = await cli(["diff"]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("+++ desired/session/pr-1");
    expect(r.stdout).toContain("+type: preview");
    expect(r.stdout).toMatch(/^3 to create, 0 to change, 0 to delete$/m);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it("apply --dry-run changes nothing", async () => {
    const r = await cli(["apply", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 to create");
    expect(await versions()).toEqual([]);
  });

  it("apply creates each session where its type says", async () => {
    const r = await cli(["apply"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("session/pr-1 created");
    expect(r.stdout).toContain("session/team-a created");
    expect(r.stdout).toContain("session/iso created");
    const local = await b.localRecords();
    const worker = await b.workerRecords();
    expect(local.map((s) => s.name).sort()).toEqual(["iso", "team-a"]);
    expect(worker.map((s) => s.name).sort()).toEqual(["pr-1", "team-a"]);
    expect(local.every((s) => s.managed_by === "team")).toBe(true);
    // The tunneled session's worker copy knows where this machine is.
    expect(worker.find((s) => s.name === "team-a")?.tunnel_url).toBeTruthy();
  });

  it("a second apply makes zero writes and diff exits 0", async () => {
    const before = await versions();
    const writes = await b.writes();
    const r = await cli(["apply"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/session\/pr-1 unchanged/);
    expect(await versions()).toEqual(before);
    expect(await b.writes()).toBe(writes);
    const d = await cli(["diff"]);
    expect(d.code).toBe(0);
    expect(d.stdout.trim()).toBe("0 to create, 0 to change, 0 to delete");
  });

  it("diff --output json describes a change field by field", async () => {
    p.write(configYaml(b, { configId: "team", sessions: SESSIONS.replace("api-pr-1", "api-pr-2") }));
    const r = await cli(["diff", "--output", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.changed).toBe(true);
    expect(j.summary).toEqual({ create: 0, change: 1, delete: 0, unchanged: 2, undeclared: 0 });
    expect(j.sessions).toHaveLength(1);
    expect(j.sessions[0]).toMatchObject({
      name: "pr-1",
      kind: "update",
      placements: ["worker"],
      changes: [{ path: "services[api].route", from: "https://api-pr-1.example.com", to: "https://api-pr-2.example.com" }],
    });
    expect(j.sessions[0].patch).toContain("+    route: https://api-pr-2.example.com");
    expect(j.unchanged).toEqual(["iso", "team-a"]);
    const a = await cli(["apply", "-o", "json"]);
    expect(a.code).toBe(0);
    const aj = JSON.parse(a.stdout);
    expect(aj.sessions.find((s: { name: string }) => s.name === "pr-1").result).toBe("configured");
    expect(aj.failed).toEqual([]);
  });

  it("-f - reads the config from stdin", async () => {
    const r = await cli(["diff", "-f", "-"], configYaml(b, { configId: "team", sessions: SESSIONS.replace("api-pr-1", "api-pr-2") }));
    expect(r.code).toBe(0);
  });

  it("diff exits 2 on errors, argument errors included", async () => {
    expect((await cli(["diff", "--output", "xml"])).code).toBe(2);
    expect((await cli(["diff", "--no-such-flag"])).code).toBe(2);
    expect((await cli(["diff", "-f", "missing.yaml"])).code).toBe(2);
    p.write("services: [", "broken.yaml");
    const bad = await cli(["diff", "-f", "broken.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  });

  it("prune deletes only sessions this config manages", async () => {
    // Another config's session and an imperatively created one must survive.
    const other = makeProject();
    try {
      other.write(configYaml(b, { configId: "other", sessions: "  - name: theirs\n    type: preview\n" }));
      expect((await runCli(["apply"], { cwd: other.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } })).code).toBe(0);
      expect((await cli(["sessions", "create-preview", "handmade"])).code).toBe(0);
      p.write(configYaml(b, { configId: "team", sessions: SESSIONS.replace("api-pr-1", "api-pr-2").split("  - name: team-a")[0] }));
      const d = await cli(["diff", "--prune"]);
      expect(d.code).toBe(1);
      expect(d.stdout).toMatch(/0 to create, 0 to change, 2 to delete/);
      const plain = await cli(["apply"]);
      expect(plain.stdout).not.toMatch(/pruned/);
      expect((await b.localRecords()).map((s) => s.name).sort()).toEqual(["iso", "team-a"]);
      const r = await cli(["apply", "--prune"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("session/team-a pruned");
      expect(r.stdout).toContain("session/iso pruned");
      expect(await b.localRecords()).toEqual([]);
      expect((await b.workerRecords()).map((s) => s.name).sort()).toEqual(["handmade", "pr-1", "theirs"]);
    } finally {
      other.remove();
    }
  });
});

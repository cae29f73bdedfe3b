// Concurrent applies of overlapping configs: guarded writes (If-None-Match / If-Match) plus one
// re-plan on 412 mean every session ends up written exactly once and nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";

describe("concurrent applies", () => {
  let b: Backends;
  const projects: Project[] = [];
  beforeAll(async () => {
    b = await startBackends();
  });
  afterAll(async () => {
    await b?.close();
    for (const p of projects) p.remove();
  });

  it("lose nothing and write each shared session once", async () => {
    const shared = "  - name: shared\n    type: tunneled\n    routes: { web: local }\n";
    for (let i = 0; i < 4; i++) {
      const p = makeProject();
      p.write(configYaml(b, { configId: "team", sessions: `${shared}  - name: own-${i}\n    type: preview\n` }));
      projects.push(p);
    }
    const env = { ...b.env, TEST_WORKER_TOKEN: b.workerToken };
    const results = await Promise.all(projects.map((p) => runCli(["apply", "-o", "json"], { cwd: p.dir, env })));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).failed).toEqual([]);
    }
    // Exactly one apply created "shared"; the others saw it (before writing, or via a 412 and a re-plan).
    const created = results.filter((r) => JSON.parse(r.stdout).sessions.some((s: { name: string; result: string }) => s.name === "shared" && s.result === "created"));
    expect(created).toHaveLength(1);
    const worker = await b.workerRecords();
    const local = await b.localRecords();
    expect(worker.map((s) => s.name).sort()).toEqual(["own-0", "own-1", "own-2", "own-3", "shared"]);
    expect(local.map((s) => s.name)).toEqual(["shared"]);
    expect(local[0]!.version).toBe(1);
    for (const s of worker) expect(s.managed_by).toBe("team");
    // And nothing is left to write for any of them. (They share one config_id, so each lists the
    // others' own-N previews as not declared: `--prune` would delete them.)
    for (const p of projects) {
      const d = JSON.parse((await runCli(["diff", "-o", "json"], { cwd: p.dir, env })).stdout);
      expect(d.summary).toEqual({ create: 0, change: 0, delete: 0, unchanged: 2, undeclared: 3 });
    }
  });
});

// `apply --watch` through the real CLI: a valid edit is applied, an invalid one is reported and
// changes nothing, the next valid one is applied, and Ctrl-C leaves the sessions in place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { spawnCli, type RunningCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";

describe("apply --watch", () => {
  let b: Backends;
  let p: Project;
  let watcher: RunningCli | undefined;
  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
  });
  afterAll(async () => {
    await watcher?.stop("SIGKILL");
    await b?.close();
    p?.remove();
  });

  it("applies valid saves, keeps the last good state on an invalid one, and exits cleanly", async () => {
    const cfg = (sessions: string) => configYaml(b, { configId: "watch", sessions });
    p.write(cfg("  - name: w1\n    type: preview\n"));
    watcher = spawnCli(["apply", "--watch"], { cwd: p.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } });
    await watcher.waitFor(/session\/w1 created/);
    await watcher.waitFor(/watching .*linkup\.yaml/);

    let mark = watcher.output().length;
    p.write(cfg("  - name: w1\n    type: preview\n  - name: w2\n    type: preview\n    routes: { api: https://api-w2.example.com }\n"));
    await watcher.waitFor(/session\/w2 created/, mark);
    expect(watcher.output().slice(mark)).not.toMatch(/session\/w1/);

    mark = watcher.output().length;
    p.write(cfg("  - name: w1\n    type: preview\n    routes: { nope: local }\n"));
    await watcher.waitFor(/invalid config[\s\S]*linkup\.yaml:\d+:\d+/, mark);
    expect((await b.workerRecords()).map((r) => r.name).sort()).toEqual(["w1", "w2"]);

    mark = watcher.output().length;
    // The local override is watched too.
    p.write(cfg("  - name: w1\n    type: preview\n"));
    p.write("sessions:\n  - name: mine\n    type: preview\n    routes: { web: https://web-mine.example.com }\n", "linkup.local.yaml");
    await watcher.waitFor(/session\/mine created/, mark);
    const mine = (await b.workerRecords()).find((r) => r.name === "mine");
    expect(mine?.spec.services.find((s) => s.name === "web")?.route).toBe("https://web-mine.example.com");
    expect(mine?.owner).toMatch(/-[0-9a-f]{8}$/);

    expect(await watcher.stop("SIGINT")).toBe(0);
    watcher = undefined;
    // Without --prune w2 stays; Ctrl-C removed nothing.
    expect((await b.workerRecords()).map((r) => r.name).sort()).toEqual(["mine", "w1", "w2"]);
  });
});

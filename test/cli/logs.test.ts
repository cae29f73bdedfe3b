// `linkup logs`: the local server's log from the state directory, filtered by --since and --tail,
// and followed with -f in a terminal until Ctrl-C.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { spawnCliPty } from "./support/pty.js";

describe("linkup logs", () => {
  const home = mkdtempSync(join(tmpdir(), "linkup-home-"));
  const env = { LINKUP_HOME: home };
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  it("says where the log will be when there is none yet", async () => {
    const r = await runCli(["logs"], { cwd: home, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(join(home, "local-server.log"));
  });

  it("prints the log, --since a duration ago, --tail the last lines", async () => {
    const old = `${ago(3_600_000)} linkup local server started: pid=1 worker=http://127.0.0.1:8787`;
    const recent = [`${ago(60_000)} worker log: linkup cron: removed 0 tunnel(s)`, "    a continuation of it", `${ago(1_000)} received SIGTERM, closing`];
    writeFileSync(join(home, "local-server.log"), [old, ...recent].join("\n") + "\n");
    expect((await runCli(["logs"], { cwd: home, env })).stdout).toBe([old, ...recent].join("\n") + "\n");
    expect((await runCli(["logs", "--since", "10m"], { cwd: home, env })).stdout).toBe(recent.join("\n") + "\n");
    expect((await runCli(["logs", "--tail", "1"], { cwd: home, env })).stdout).toBe(recent[2] + "\n");
    const bad = await runCli(["logs", "--since", "yesterday"], { cwd: home, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since must be a duration");
  });

  it("-f follows new lines until Ctrl-C", async () => {
    const follow = spawnCliPty(["logs", "-f", "--tail", "1"], { cwd: home, env });
    try {
      await follow.waitFor(/received SIGTERM, closing/);
      await follow.waitFor(/following /);
      const mark = follow.output().length;
      const line = `${new Date().toISOString()} linkup local server started: pid=2`;
      appendFileSync(join(home, "local-server.log"), line + "\n");
      await follow.waitFor(new RegExp(line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), mark);
      expect(await follow.interrupt()).toBe(0);
    } finally {
      await follow.kill();
    }
  });
});

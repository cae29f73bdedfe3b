// Completion as a bash user meets it: an interactive bash in a pseudo-terminal (util-linux
// `script`) sources `linkup completion --shell bash`, then Tab is pressed on real command lines.
// Files after -f, values after -o, service names from the config after `route local`, session
// names from the running local server after --session and `sessions delete`.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";
import { scriptPath, shellQuote, stripAnsi, terminalEnv } from "./support/pty.js";

const bin = resolve(import.meta.dirname, "../../bin/linkup.js");

interface Bash {
  child: ChildProcess;
  output(): string;
  type(text: string): void;
  waitFor(pattern: RegExp, from: number, timeoutMs?: number): Promise<string>;
}

function interactiveBash(cwd: string, env: Record<string, string>): Bash {
  const child = spawn(scriptPath(), ["-q", "-c", "bash --norc --noprofile -i", "/dev/null"], { cwd, env: terminalEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  return {
    child,
    output: () => out,
    type: (text) => void child.stdin!.write(text),
    waitFor(pattern, from, timeoutMs = 30_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const m = pattern.exec(stripAnsi(out.slice(from)).replace(/\r/g, ""));
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            ok(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`timed out waiting for ${pattern}; terminal so far:\n${stripAnsi(out.slice(from))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

describe("bash completion", () => {
  let b: Backends;
  let p: Project;
  let bash: Bash;
  const tools = mkdtempSync(join(tmpdir(), "linkup-bin-"));

  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
    p.write(configYaml(b, { configId: "complete", sessions: "  - name: alpha-one\n    type: tunneled\n  - name: beta-two\n    type: preview\n" }));
    const env = { ...b.env, TEST_WORKER_TOKEN: b.workerToken };
    expect((await runCli(["apply"], { cwd: p.dir, env })).code).toBe(0);
    mkdirSync(join(p.dir, "configs"));
    writeFileSync(join(p.dir, "configs", "only-team.yaml"), "services: []\n");
    // `linkup` on PATH, as an installed CLI would be.
    writeFileSync(join(tools, "linkup"), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(bin)} "$@"\n`);
    chmodSync(join(tools, "linkup"), 0o755);
    bash = interactiveBash(p.dir, { ...env, PATH: `${tools}:${process.env.PATH}`, PS1: "READY> ", HISTFILE: "/dev/null", INPUTRC: "/dev/null" });
    bash.type("source <(linkup completion --shell bash) && echo SOURCED\n");
    await bash.waitFor(/^SOURCED$/m, 0);
  });
  afterAll(async () => {
    if (bash) {
      bash.type("exit\n");
      const exited = new Promise((r) => bash.child.on("close", r));
      const timer = setTimeout(() => bash.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await b?.close();
    p?.remove();
    rmSync(tools, { recursive: true, force: true });
  });

  /** Types `line` then Tab (twice to list), returns what the terminal showed after; clears the line. */
  async function tab(line: string, expect_: RegExp, times = 1): Promise<string> {
    const mark = bash.output().length;
    bash.type(line + "\t".repeat(times));
    const seen = await bash.waitFor(expect_, mark);
    // Ctrl-U: clear the line for the next case.
    bash.type("\u0015");
    return seen;
  }

  it("completes commands and flags", async () => {
    await tab("linkup vers", /linkup version $/m);
    await tab("linkup apply --pr", /linkup apply --prune $/m);
  });

  it("completes files after -f", async () => {
    await tab("linkup diff -f configs/only", /linkup diff -f configs\/only-team\.yaml $/m);
  });

  it("completes -o values", async () => {
    await tab("linkup status -o ya", /linkup status -o yaml $/m);
    const listed = await tab("linkup status -o ", /text\s+json\s+yaml\s+name\s+wide|json\s+name\s+text\s+wide\s+yaml/, 2);
    expect(listed).toBeTruthy();
  });

  it("completes service names from the config after route local", async () => {
    await tab("linkup route local w", /linkup route local web $/m);
    const listed = await tab("linkup route local ", /api\s+auth\s+web/, 2);
    expect(listed).toMatch(/api\s+auth\s+web/);
  });

  it("completes session names from the running local server after --session and sessions delete", async () => {
    // alpha-one is tunneled, so the local server holds it; beta-two (preview) lives on the worker only.
    await tab("linkup status --session al", /linkup status --session alpha-one $/m);
    await tab("linkup sessions delete al", /linkup sessions delete alpha-one $/m);
    // The local server is the source while it runs: the worker-only preview is not offered.
    const mark = bash.output().length;
    bash.type("linkup sessions delete be\t");
    bash.type(" #END\n");
    await bash.waitFor(/#END/, mark);
    expect(stripAnsi(bash.output().slice(mark))).not.toContain("beta-two");
  });
});

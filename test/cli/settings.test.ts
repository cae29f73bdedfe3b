// One parser for the environment (core/settings.ts), seen from outside: the CLI and the local
// server, both as real processes, refuse the same bad value with the same message, and the CLI
// refuses before it starts anything.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const root = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), "linkup-settings-"));
  dirs.push(dir);
  return dir;
}

/** The built local server (what `linkup start` runs), until it exits. */
function runDaemon(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(root, "dist/daemon/main.js"), "--port", "0"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => ok({ code, output }));
  });
}

const cases: { env: Record<string, string>; message: string }[] = [
  { env: { LINKUP_ADMIN_PORT: "80a" }, message: 'LINKUP_ADMIN_PORT must be a port number (0-65535), not "80a"' },
  { env: { LINKUP_EMBEDDED_WORKER: "1", LINKUP_WORKER_PORT: "87o87" }, message: 'LINKUP_WORKER_PORT must be a port number (0-65535), not "87o87"' },
  { env: { LINKUP_DEBUG: "yes" }, message: 'LINKUP_DEBUG must be 1 or 0, not "yes"' },
];

describe("a bad setting", () => {
  for (const { env, message } of cases) {
    it(`${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}: the CLI and the local server say the same`, async () => {
      const dir = home();
      const cli = await runCli(["status"], { cwd: dir, env: { LINKUP_HOME: dir, ...env } });
      expect(cli.code).toBe(2);
      const cliLine = cli.stderr.split("\n")[0]!;
      expect(cliLine).toBe(`error: ${message}`);

      const daemon = await runDaemon({ LINKUP_HOME: dir, LINKUP_LOCAL_DNS: "0", ...env });
      expect(daemon.code).toBe(1);
      const failed = /linkup local server failed to start: (.*?)(?: \(fix the value[^)]*\))?$/m.exec(daemon.output);
      expect(failed?.[1]).toBe(message);
      expect(failed?.[1]).toBe(cliLine.slice("error: ".length));
    });
  }

  it("stops `linkup start` before it starts the local server", async () => {
    const dir = home();
    const r = await runCli(["start", "-f", join(root, "examples/linkup.yaml")], { cwd: dir, env: { LINKUP_HOME: dir, LINKUP_ADMIN_PORT: "80a" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("LINKUP_ADMIN_PORT must be a port number");
    expect(existsSync(join(dir, "local-server.pid"))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// The CLI skeleton as a user meets it: help, version, validate's exit codes, one-line errors.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../bin/linkup.js");

function run(args: string[], env: Record<string, string> = {}, input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1", ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

const good = `services:
  - name: web
    remote: https://web.example.test
domains:
  - domain: example.test
    default_service: web
`;

describe("linkup CLI skeleton", () => {
  it("prints help and version", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: linkup");
    expect(help.stdout).toContain("validate");
    const version = await run(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("accepts Mentimeter's global -c/--config before the command, and -c after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-cli-"));
    const file = join(dir, "linkup-config.yaml");
    writeFileSync(file, good);
    for (const args of [["-c", file, "validate"], ["--config", file, "validate"], ["validate", "-c", file]]) {
      const r = await run(args, { LINKUP_CONFIG: join(dir, "missing.yaml") });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(file);
    }
    // A command's own -f wins over the global flag.
    const both = await run(["-c", join(dir, "missing.yaml"), "validate", "-f", file]);
    expect(both.code, both.stderr).toBe(0);
  });

  it("validate exits 0 for a valid file and 1 with file:line:column for an invalid one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-cli-"));
    writeFileSync(join(dir, "linkup.yaml"), good);
    expect((await run(["validate", "-f", join(dir, "linkup.yaml")])).code).toBe(0);
    writeFileSync(join(dir, "bad.yaml"), good.replace("default_service: web", "default_service: nope"));
    const bad = await run(["validate", "-f", join(dir, "bad.yaml")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, "bad.yaml")}:6:22: domains[0].default_service: unknown service "nope"`);
    // Schema errors come from the precompiled validator in dist/ and carry positions too.
    writeFileSync(join(dir, "schema.yaml"), good + "sessions:\n  - name: x\n    typo: 1\n");
    const schemaBad = await run(["validate", "-f", join(dir, "schema.yaml")]);
    expect(schemaBad.code).toBe(1);
    expect(schemaBad.stderr).toContain(`${join(dir, "schema.yaml")}:9:5: sessions[0].typo: unknown key "typo"`);
  });

  it("validate reads stdin with -f - and LINKUP_CONFIG otherwise", async () => {
    expect((await run(["validate", "-f", "-"], {}, good)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "linkup-cli-"));
    writeFileSync(join(dir, "x.yaml"), good);
    expect((await run(["validate"], { LINKUP_CONFIG: join(dir, "x.yaml") })).code).toBe(0);
  });

  it("errors are one line without a stack trace, unless LINKUP_DEBUG=1", async () => {
    const missing = await run(["validate", "-f", "/nonexistent/linkup.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe("error: config file /nonexistent/linkup.yaml not found");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const debug = await run(["validate", "-f", "/nonexistent/linkup.yaml"], { LINKUP_DEBUG: "1" });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("argument checks run before any work, as one error line with exit 2", async () => {
    const home = mkdtempSync(join(tmpdir(), "linkup-cli-"));
    const watch = await run(["apply", "--watch", "-f", "-"], { LINKUP_HOME: home }, good);
    expect(watch.code).toBe(2);
    expect(watch.stderr.split("\n")[0]).toBe("error: --watch needs a config file, not stdin");
    const both = await run(["route", "local", "web", "--all"], { LINKUP_HOME: home });
    expect(both.code).toBe(2);
    expect(both.stderr.split("\n")[0]).toBe("error: give service names or --all, not both");
    const target = await run(["route", "sideways", "web"], { LINKUP_HOME: home });
    expect(target.code).toBe(2);
    expect(target.stderr).toContain("Allowed choices are local, remote");
    // Nothing was read or written: not even the state directory was touched.
    expect(readdirSync(home)).toEqual([]);
  });

  it("validate refuses a YAML alias bomb with file:line:col and exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-cli-"));
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, next] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "g"], ["g", "h"]])
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(",")}]`);
    writeFileSync(join(dir, "bomb.yaml"), levels.join("\n") + "\n" + good);
    const bomb = await run(["validate", "-f", join(dir, "bomb.yaml")]);
    expect(bomb.code).toBe(1);
    expect(bomb.stderr).toContain(`${join(dir, "bomb.yaml")}:2:8: YAML aliases expand too far`);
  });

  it("an unknown command or flag is an argument error (exit 2)", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });
});

// Where the config comes from and what it adds up to, through the real CLI process: the parent
// folder search, `-f DIR`, `-f a -f b` merged in order, `validate` naming each file, and
// `config view` (merged, interpolated, env-derived values marked, secrets masked, origins).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "./support/cli.js";

const TEAM = `linkup:
  worker_url: https://worker.example.dev
  worker_token: \${LINKUP_WORKER_TOKEN}
  config_id: shop
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
  - name: api
    remote: https://api.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - routes: { web: local }
  - name: pr-1
    type: preview
`;

describe("config files and config view", () => {
  let dir: string;
  const env = { LINKUP_WORKER_TOKEN: "very-secret-token-1234" };
  const cli = (args: string[], cwd = dir, extra: Record<string, string> = {}) => runCli(args, { cwd, env: { ...env, ...extra } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "linkup-files-"));
    writeFileSync(join(dir, "linkup.yaml"), TEAM);
    writeFileSync(join(dir, "linkup.local.yaml"), "services:\n  - name: web\n    local: http://127.0.0.1:5173\n");
    writeFileSync(join(dir, "ci.yaml"), "linkup:\n  worker_url: https://ci-worker.example.dev\nsessions:\n  - name: ci-1\n    type: preview\n");
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    mkdirSync(join(dir, "empty"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds linkup.yaml in a folder above, and names every file it merged", async () => {
    const r = await cli(["validate"], join(dir, "src", "deep"));
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(1, 3)).toEqual([`  ${join(dir, "linkup.yaml")}`, expect.stringContaining(`  ${join(dir, "linkup.local.yaml")}  (local override`)]);
    const j = JSON.parse((await cli(["validate", "--json"], join(dir, "src"))).stdout);
    expect(j).toMatchObject({ valid: true, files: [join(dir, "linkup.yaml"), join(dir, "linkup.local.yaml")], local_file: join(dir, "linkup.local.yaml") });
  });

  it("-f DIR reads DIR/linkup.yaml; a directory without one is an error naming it", async () => {
    expect((await cli(["validate", "-f", dir], tmpdir())).code).toBe(0);
    const r = await cli(["validate", "-f", "empty"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`error: ${join(dir, "empty")} is a directory, and it has no linkup.yaml`);
  });

  it("-f a -f b merges in order and validate lists both", async () => {
    const r = await cli(["validate", "-f", "linkup.yaml", "-f", "ci.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  ${join(dir, "linkup.yaml")}\n  ${join(dir, "ci.yaml")}\n  ${join(dir, "linkup.local.yaml")}`);
    const v = parse((await cli(["config", "view", "-f", "linkup.yaml", "-f", "ci.yaml"])).stdout);
    expect(v.linkup.worker_url).toBe("https://ci-worker.example.dev");
    expect(v.sessions.map((s: { name?: string }) => s.name ?? "-")).toEqual(["-", "pr-1", "ci-1"]);
  });

  it("config view prints the effective config with env values marked and secrets masked", async () => {
    const r = await cli(["config", "view"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("very-secret-token-1234");
    expect(r.stdout).toContain(`worker_token: "***" # from $LINKUP_WORKER_TOKEN; masked`);
    expect(r.stdout).toContain("local: http://127.0.0.1:5173 # personal sessions only");
    const v = parse(r.stdout);
    expect(v.services[0]).toEqual({ name: "web", local: "http://127.0.0.1:5173", remote: "https://web.example.com" });

    const o = await cli(["config", "view", "--show-origin"]);
    expect(o.stdout).toContain("remote: https://web.example.com # linkup.yaml:8");
    expect(o.stdout).toContain("local: http://127.0.0.1:5173 # personal sessions only; linkup.local.yaml:3");

    const j = JSON.parse((await cli(["config", "view", "-o", "json", "--show-origin"])).stdout);
    expect(JSON.stringify(j)).not.toContain("very-secret-token-1234");
    expect(j.config.linkup.worker_token).toBe("***");
    expect(j.values.find((x: { path: string }) => x.path === "linkup.worker_token")).toEqual({
      path: "linkup.worker_token",
      masked: true,
      env: [{ name: "LINKUP_WORKER_TOKEN", source: "env" }],
      personal_only: false,
      origin: { file: join(dir, "linkup.yaml"), line: 3, column: 17 },
    });
  });

  it("config view needs the variables, unless --ignore-env keeps them as written", async () => {
    const missing = await runCli(["config", "view"], { cwd: dir, env: {} });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("LINKUP_WORKER_TOKEN is not set");
    const symbolic = await runCli(["config", "view", "--ignore-env"], { cwd: dir, env: {} });
    expect(symbolic.code).toBe(0);
    // Still masked: the key says it is a secret, whatever its text.
    expect(symbolic.stdout).toContain(`worker_token: "***" # from \${LINKUP_WORKER_TOKEN} (unset); masked`);
  });
});

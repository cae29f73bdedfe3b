// `linkup init`: the file it writes loads and validates, --service parsing and its errors, the
// .gitignore entry (created, appended, already there), --force, -f elsewhere, --json, and the
// prompts (driven through the command's io, as a terminal would answer them).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pc from "picocolors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/commands/init.js";
import type { CliIo } from "../../src/cli/io.js";
import { loadConfig } from "../../src/config/config-file.js";
import { parseSettings } from "../../src/core/settings.js";
import { runCli } from "./support/cli.js";

let dir: string;
const cli = (args: string[], cwd = dir) => runCli(args, { cwd, env: { LINKUP_HOME: join(dir, ".home") } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "linkup-init-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("linkup init --service", () => {
  it("writes a commented config that loads: services, one domain with a path route per extra service, a personal session", async () => {
    const r = await cli(["init", "-s", "web=http://localhost:3000,https://web.example.com", "-s", "api=,https://api.example.com", "-s", "worker=http://localhost:5000,", "--domain", "Shop.Test"]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, "linkup.yaml"), "utf8");
    expect(text.split("\n").filter((l) => l.trimStart().startsWith("#")).length).toBeGreaterThan(8);
    const { config } = loadConfig({ cwd: dir, env: {} });
    expect(config.services).toEqual([
      expect.objectContaining({ name: "web", local: "http://localhost:3000", remote: "https://web.example.com" }),
      expect.objectContaining({ name: "api", remote: "https://api.example.com" }),
      expect.objectContaining({ name: "worker", local: "http://localhost:5000" }),
    ]);
    expect(config.services[1]!.local).toBeUndefined();
    expect(config.domains).toEqual([
      expect.objectContaining({
        domain: "shop.test",
        default_service: "web",
        routes: [
          { path: "^/api(/|$)", service: "api" },
          { path: "^/worker(/|$)", service: "worker" },
        ],
      }),
    ]);
    // The first service runs locally, and so must one with no remote copy.
    expect(config.sessions).toEqual([expect.objectContaining({ type: "tunneled", routes: { web: "local", worker: "local" } })]);
    expect(config.sessions[0]!.name).toBeUndefined();
    expect(r.stdout).toMatch(/next:\n\s+npx linkup apply\s+#.*\n\s+npx linkup status\s+#.*\n\s+npx linkup route remote web\s+#/);
  });

  it("defaults the domain to <directory>.test and names a service to switch", async () => {
    const project = join(dir, "My Shop");
    mkdirSync(project);
    const r = await cli(["init", "-s", "web=http://localhost:3000,https://web.example.com", "-s", "api=http://localhost:4000,https://api.example.com"], project);
    expect(r.code, r.stderr).toBe(0);
    expect(loadConfig({ cwd: project, env: {} }).config.domains[0]!.domain).toBe("my-shop.test");
    expect(r.stdout).toContain("npx linkup route local api");
  });

  it("appends linkup.local.yaml to an existing .gitignore once", async () => {
    writeFileSync(join(dir, ".gitignore"), "node_modules");
    expect((await cli(["init", "-s", "web=http://localhost:3000"])).code).toBe(0);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe("node_modules\nlinkup.local.yaml\n");
    expect((await cli(["init", "--force", "-s", "web=http://localhost:3000"])).code).toBe(0);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe("node_modules\nlinkup.local.yaml\n");
  });

  it("refuses to overwrite without --force, and replaces with it", async () => {
    writeFileSync(join(dir, "linkup.yaml"), "mine\n");
    const r = await cli(["init", "-s", "web=http://localhost:3000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("already exists");
    expect(readFileSync(join(dir, "linkup.yaml"), "utf8")).toBe("mine\n");
    const forced = await cli(["init", "--force", "-s", "web=http://localhost:3000", "--json"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ replaced: true, services: ["web"], gitignore: { action: "created", entry: "linkup.local.yaml" } });
  });

  it("-f writes elsewhere, ignores that file's own override, and the next commands carry -f", async () => {
    mkdirSync(join(dir, "ops"));
    const r = await cli(["init", "-f", "ops/dev.yaml", "-s", "web=http://localhost:3000,https://web.example.com"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "ops", ".gitignore"), "utf8")).toBe("dev.local.yaml\n");
    expect(r.stdout).toContain("npx linkup apply -f ops/dev.yaml");
    expect((await cli(["validate", "-f", "ops/dev.yaml"])).code).toBe(0);
  });

  it.each([
    [["-s", "web"], "is not NAME=LOCAL_URL,REMOTE_URL"],
    [["-s", "web=,"], "give its local URL, its remote URL, or both"],
    [["-s", "web=ftp://x"], "must be an http(s) URL"],
    [["-s", "web=localhost:3000"], "must be an http(s) URL"],
    [["-s", "Web=http://localhost:3000"], "service name"],
    [["-s", "web=http://a,http://b,http://c"], "comma-separated"],
    [["-s", "web=http://a", "-s", "web=http://b"], "given twice"],
    [["-s", "web=http://a", "--domain", "localhost"], "two labels"],
    [[], "needs the project's services"],
  ])("refuses %j with a clear error and writes nothing", async (args, message) => {
    const r = await cli(["init", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(() => readFileSync(join(dir, "linkup.yaml"))).toThrow();
  });
});

describe("linkup init on a terminal", () => {
  function terminal(answers: string[]): { io: CliIo; out: string[]; asked: string[] } {
    const out: string[] = [];
    const asked: string[] = [];
    const io: CliIo = {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      env: {},
      cwd: dir,
      isTTY: true,
      color: pc.createColors(false),
      prompt: async (q) => {
        asked.push(q);
        if (answers.length === 0) throw new Error(`no answer left for ${q}`);
        return answers.shift()!;
      },
    };
    return { io, out, asked };
  }

  it("asks for each service and the domain, re-asking after a bad answer", async () => {
    const t = terminal([
      "web", "http://localhost:3000", "https://web.example.com",
      "api", "not a url", "",
      "api", "", "https://api.example.com",
      "",
      "bad domain", "",
    ]);
    const args = { file: "linkup.yaml", service: [], domain: undefined, force: false, json: false, output: "text" as const };
    expect(await initCommand.handler(args, { io: t.io, settings: parseSettings({}) })).toBe(0);
    expect(t.out.join("\n")).toContain("try again");
    const { config } = loadConfig({ cwd: dir, env: {} });
    expect(config.services.map((s) => s.name)).toEqual(["web", "api"]);
    expect(config.domains[0]!.domain).toMatch(/^linkup-init-.*\.test$/);
    expect(t.asked.filter((q) => q.startsWith("domain")).length).toBe(2);
  });
});

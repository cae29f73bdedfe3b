// `linkup diff --base REF` and `linkup diff OLD NEW` through the real CLI process, in a temporary
// git repository, with no server running and no token: what a CI job reviewing a pull request runs.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const SECRETS = { LINKUP_WORKER_TOKEN: "tok-very-secret-0001", API_KEY: "sk-live-9f8e7d6c" };
const LITERAL_PASSWORD = "hunter2-literal";

const V1 = `linkup:
  worker_url: http://127.0.0.1:1
  worker_token: \${LINKUP_WORKER_TOKEN}
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://deploy:${LITERAL_PASSWORD}@web.example.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example.com/?api_key=\${API_KEY}
domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
sessions:
  - type: tunneled
  - name: qa
    type: isolated
`;

const V2 = V1.replace("  - type: tunneled\n", "  - type: tunneled\n    routes: { web: local }\n")
  .replace("  - name: qa\n    type: isolated\n", "  - name: pr-7\n    type: preview\n    ttl: 72h\n    routes: { api: https://api-pr-7.example.com }\n")
  .replace("        service: api\n", "        service: api\n  - domain: shop.example.com\n    default_service: web\n");

describe("offline diff (no server, no token)", () => {
  let repo: string;
  let home: string;
  const env = () => ({ LINKUP_HOME: home, LINKUP_ADMIN_PORT: "1", ...SECRETS });
  const cli = (args: string[], cwd = repo) => runCli(args, { cwd, env: env() });
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
      stdio: "pipe",
    });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "linkup-review-"));
    home = mkdtempSync(join(tmpdir(), "linkup-home-"));
    git("init", "-q", "-b", "main");
    writeFileSync(join(repo, "README"), "first commit: no linkup.yaml yet\n");
    git("add", ".");
    git("commit", "-qm", "start");
    writeFileSync(join(repo, "linkup.yaml"), V1);
    git("add", ".");
    git("commit", "-qm", "v1");
    writeFileSync(join(repo, "linkup.yaml"), V2);
    git("commit", "-qam", "v2");
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it("diff --base HEAD~1 exits 1 with the YAML diff and the change in words", async () => {
    const r = await cli(["diff", "--base", "HEAD~1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("--- base/session/(personal)\n+++ head/session/(personal)");
    expect(r.stdout).toContain("+++ head/session/pr-7");
    expect(r.stdout).toContain("Summary (HEAD~1:linkup.yaml → linkup.yaml):\n");
    for (const line of [
      "  ~ session (personal): web: remote → local",
      "  + session pr-7 added (preview)",
      "  - session qa removed (isolated; `apply --prune` deletes it)",
      "  + domain shop.example.com added",
    ])
      expect(r.stdout).toContain(line + "\n");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 to create, 1 to change, 1 to delete");
    // Nothing was started and nothing written to the state directory.
    expect(readdirSync(home)).toEqual([]);
  });

  it("exits 0 when the sessions are the same at both versions", async () => {
    const r = await cli(["diff", "--base", "HEAD"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No change to any session (HEAD:linkup.yaml → linkup.yaml).");
  });

  it("-o markdown is a pull-request comment: marker, summary table first, diffs folded", async () => {
    const r = await cli(["diff", "--base", "HEAD~1", "-o", "markdown"]);
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(md.startsWith("<!-- linkup-diff -->\n### Linkup sessions: `HEAD~1:linkup.yaml` → `linkup.yaml`\n")).toBe(true);
    expect(md).toContain("| + | session `pr-7` added (preview) |");
    expect(md).toContain("| ~ | session `(personal)`: `web`: `remote` → `local` |");
    expect(md.indexOf("| + | session `pr-7`")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("<summary><code>session/pr-7</code> (worker): will be created</summary>\n\n```diff\n--- /dev/null\n+++ head/session/pr-7");
  });

  it("-o json carries the plan and the words", async () => {
    const r = await cli(["diff", "--base", "HEAD~1", "-o", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ changed: true, summary: { create: 1, change: 1, delete: 1 }, base: { label: "HEAD~1:linkup.yaml", exists: true }, head: { label: "linkup.yaml", exists: true } });
    expect(j.overview).toContainEqual({ kind: "route", session: "(personal)", service: "web", from: "remote", to: "local", text: "session (personal): web: remote → local" });
  });

  it("never prints a secret: ${VAR} stays symbolic, credentials in URLs are masked, in every format", async () => {
    const outs = await Promise.all([["diff", "--base", "HEAD~1"], ["diff", "--base", "HEAD~2", "-o", "json"], ["diff", "--base", "HEAD~1", "-o", "markdown"]].map((a) => cli(a)));
    for (const r of outs) {
      const all = r.stdout + r.stderr;
      for (const secret of [...Object.values(SECRETS), LITERAL_PASSWORD]) expect(all).not.toContain(secret);
    }
    expect(outs[1]!.stdout).toContain("api_key=${API_KEY}");
    expect(outs[1]!.stdout).toContain("https://***@web.example.com");
  });

  it("a config that did not exist at the base is all added", async () => {
    const r = await cli(["diff", "--base", "HEAD~2", "-o", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.base).toEqual({ label: "HEAD~2:linkup.yaml", exists: false });
    expect(j.overview.map((i: { text: string }) => i.text)).toEqual(["session (personal) added (tunneled)", "session pr-7 added (preview)"]);
  });

  it("finds the file relative to the repository root from a subdirectory and with -f", async () => {
    mkdirSync(join(repo, "deploy", "sub"), { recursive: true });
    const r = await cli(["diff", "--base", "HEAD~1", "-f", "../../linkup.yaml", "-o", "json"], join(repo, "deploy", "sub"));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).base.label).toBe("HEAD~1:linkup.yaml");
  });

  it("compares two files on disk", async () => {
    writeFileSync(join(home, "..", `old-${process.pid}.yaml`), V1);
    const old = join(home, "..", `old-${process.pid}.yaml`);
    try {
      const r = await cli(["diff", old, "linkup.yaml", "-o", "json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).summary).toMatchObject({ create: 1, change: 1, delete: 1 });
      expect((await cli(["diff", "linkup.yaml", "linkup.yaml"])).code).toBe(0);
    } finally {
      rmSync(old, { force: true });
    }
  });

  it("exits 2 on errors: unknown ref, bad arguments, an invalid version, no git repository", async () => {
    const unknown = await cli(["diff", "--base", "no-such-branch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('git does not know the revision "no-such-branch"');
    expect((await cli(["diff", "linkup.yaml"])).code).toBe(2);
    expect((await cli(["diff", "--base", "HEAD", "a.yaml", "b.yaml"])).code).toBe(2);
    expect((await cli(["diff", "--base", "--output=json"])).code).toBe(2);
    expect((await cli(["diff", "--base", "HEAD", "-o", "html"])).code).toBe(2);

    writeFileSync(join(repo, "linkup.yaml"), V2.replace("default_service: web\n    routes", "default_service: wbe\n    routes"));
    git("commit", "-qam", "broken");
    writeFileSync(join(repo, "linkup.yaml"), V2);
    const invalid = await cli(["diff", "--base", "HEAD"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/HEAD:linkup\.yaml:\d+:\d+: domains\[0\]\.default_service: unknown service "wbe"/);

    const outside = mkdtempSync(join(tmpdir(), "linkup-nogit-"));
    try {
      writeFileSync(join(outside, "linkup.yaml"), V1);
      const r = await cli(["diff", "--base", "HEAD"], outside);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("not inside a git repository");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

// The GitHub Actions workflows in examples/ci, their commands run for real: each `run:` step in
// bash against a temporary git repository (with an `origin` remote), with the built CLI as
// `linkup` and a stand-in for the GitHub CLI (test/cli/support/gh-standin.mjs). The review
// workflow needs no server; the preview workflow talks to a real worker (Miniflare).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { loadWorkflow, runJob, runScripts, type JobResult } from "./support/workflow.js";

const root = resolve(import.meta.dirname, "../..");
const REVIEW = join(root, "examples/ci/linkup-review.yml");
const PREVIEW = join(root, "examples/ci/linkup-preview.yml");
const DONE = ["actions/checkout@v4", "actions/setup-node@v4"];

const CONFIG = (workerUrl: string) => `linkup:
  worker_url: ${workerUrl}
  worker_token: \${LINKUP_WORKER_TOKEN}
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example-staging.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example-staging.com
domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
sessions:
  - type: tunneled
`;

interface Sandbox {
  dir: string;
  bin: string;
  home: string;
  ghState: string;
  git(...args: string[]): string;
  env(): Record<string, string>;
  comments(): { id: number; pr: number; body: string; edits?: number }[];
  /** Puts `linkup` (the built CLI) on PATH, in place of installing it from npm. */
  installLinkup(): void;
  remove(): void;
}

function sandbox(): Sandbox {
  const base = mkdtempSync(join(tmpdir(), "linkup-ci-"));
  const bin = join(base, "bin");
  const home = join(base, "linkup-home");
  const dir = join(base, "checkout");
  mkdirSync(bin);
  mkdirSync(home);
  const ghState = join(base, "gh-state.json");
  const gh = join(bin, "gh");
  writeFileSync(gh, `#!/bin/sh\nexec "${process.execPath}" "${join(root, "test/cli/support/gh-standin.mjs")}" "$@"\n`);
  chmodSync(gh, 0o755);
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
  return {
    dir,
    bin,
    home,
    ghState,
    git: (...args) => execFileSync("git", args, { cwd: dir, env: gitEnv, stdio: "pipe", encoding: "utf8" }),
    env: () => ({
      PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: base,
      LINKUP_HOME: home,
      GH_STANDIN_STATE: ghState,
      NO_COLOR: "1",
    }),
    comments: () => {
      try {
        return JSON.parse(readFileSync(ghState, "utf8")).comments;
      } catch {
        return [];
      }
    },
    installLinkup() {
      const shim = join(bin, "linkup");
      writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(root, "bin/linkup.js")}" "$@"\n`);
      chmodSync(shim, 0o755);
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A clone of an `origin` whose main has `config`, on a branch `feature`. */
function repoWithOrigin(s: Sandbox, config: string): void {
  const origin = join(dirname(s.dir), "origin.git");
  const seed = join(dirname(s.dir), "seed");
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
  mkdirSync(seed);
  const g = (...args: string[]) => execFileSync("git", args, { cwd: seed, env: gitEnv, stdio: "pipe" });
  g("init", "-q", "-b", "main");
  writeFileSync(join(seed, "linkup.yaml"), config);
  g("add", ".");
  g("commit", "-qm", "linkup.yaml");
  g("remote", "add", "origin", origin);
  g("push", "-q", "origin", "main");
  execFileSync("git", ["clone", "-q", origin, s.dir], { env: gitEnv, stdio: "pipe" });
  s.git("checkout", "-q", "-b", "feature");
}

function explain(r: JobResult): string {
  return r.steps.map((s) => `## ${s.name} (exit ${s.code})\nstdout: ${s.stdout}\nstderr: ${s.stderr}`).join("\n");
}

describe("examples/ci workflows", () => {
  it("keep GitHub expressions out of run scripts (values reach them through env, never pasted into bash)", () => {
    for (const path of [REVIEW, PREVIEW]) for (const script of runScripts(loadWorkflow(path))) expect(script).not.toContain("${{");
  });

  describe("linkup-review.yml: validate, then the offline diff as a pull-request comment", () => {
    const w = loadWorkflow(REVIEW);
    let s: Sandbox;
    const expressions = { "github.base_ref": "main", "github.token": "ghs_test_token", "github.repository": "acme/shop", "github.event.pull_request.number": "42" };
    const run = () => runJob(w, "review", { cwd: s.dir, env: s.env(), expressions, done: DONE, replace: { "Install Linkup": () => s.installLinkup() } });

    beforeAll(() => {
      s = sandbox();
      // The review never reaches the worker: this URL has nothing behind it.
      repoWithOrigin(s, CONFIG("http://127.0.0.1:1"));
    });
    afterAll(() => s?.remove());

    it("posts the markdown diff of the pull request as one comment, with no server and no secrets", async () => {
      writeFileSync(join(s.dir, "linkup.yaml"), CONFIG("http://127.0.0.1:1").replace("  - type: tunneled\n", "  - type: tunneled\n    routes: { web: local }\n  - name: demo\n    type: preview\n"));
      s.git("commit", "-qam", "a preview for the demo");
      const r = await run();
      expect(r.ok, explain(r)).toBe(true);
      const comments = s.comments();
      expect(comments).toHaveLength(1);
      const body = comments[0]!.body;
      expect(comments[0]!.pr).toBe(42);
      expect(body.startsWith("<!-- linkup-diff -->\n### Linkup sessions: `origin/main:linkup.yaml` → `linkup.yaml`")).toBe(true);
      expect(body).toContain("| + | session `demo` added (preview) |");
      expect(body).toContain("| ~ | session `(personal)`: `web`: `remote` → `local` |");
      expect(body).toContain("<details>");
      expect(r.summary).toBe(body);
      expect(readFileSync(join(s.home, "..", "gh-state.json"), "utf8")).not.toContain("LINKUP_WORKER_TOKEN=");
    });

    it("updates its own comment on the next push instead of adding another", async () => {
      writeFileSync(join(s.dir, "linkup.yaml"), readFileSync(join(s.dir, "linkup.yaml"), "utf8").replace("    type: preview\n", "    type: preview\n    ttl: 3d\n"));
      s.git("commit", "-qam", "shorter");
      const r = await run();
      expect(r.ok, explain(r)).toBe(true);
      const comments = s.comments();
      expect(comments).toHaveLength(1);
      expect(comments[0]!.edits).toBe(1);
      expect(comments[0]!.body).toContain("| + | session `demo` added (preview) |");
      expect(comments[0]!.body).toContain("+ttl: 3d");
    });

    it("fails at validation when the config is broken, and leaves the comment alone", async () => {
      const before = s.comments();
      writeFileSync(join(s.dir, "linkup.yaml"), readFileSync(join(s.dir, "linkup.yaml"), "utf8").replace("default_service: web", "default_service: wbe"));
      s.git("commit", "-qam", "typo");
      const r = await run();
      expect(r.ok).toBe(false);
      const failed = r.steps.at(-1)!;
      expect(failed.name).toBe("Validate linkup.yaml");
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/linkup\.yaml:\d+:\d+: domains\[0\]\.default_service: unknown service "wbe"/);
      expect(s.comments()).toEqual(before);
    });
  });

  describe("linkup-preview.yml: a preview per pull request, replaced on every push, deleted on close", () => {
    const w = loadWorkflow(PREVIEW);
    let s: Sandbox;
    let worker: WorkerHarness;
    const expressions = () => ({
      "github.event.pull_request.number": "42",
      "github.token": "ghs_test_token",
      "github.repository": "acme/shop",
      "secrets.LINKUP_WORKER_TOKEN": worker.token,
    });
    const run = (job: string) => runJob(w, job, { cwd: s.dir, env: s.env(), expressions: expressions(), done: DONE, replace: { "Install Linkup": () => s.installLinkup() } });

    beforeAll(async () => {
      worker = await startWorkerHarness();
      s = sandbox();
      repoWithOrigin(s, CONFIG(worker.url));
    });
    afterAll(async () => {
      await worker?.close();
      s?.remove();
    });

    it("runs the preview job on open and push, the cleanup job on close", () => {
      expect(w.jobs.preview!.if).toBe("github.event.action != 'closed'");
      expect(w.jobs.cleanup!.if).toBe("github.event.action == 'closed'");
    });

    it("creates pr-42 with the pull request's web and comments its URL once; a second push replaces it (exit 0)", async () => {
      const first = await run("preview");
      expect(first.ok, explain(first)).toBe(true);
      expect(first.outputs.preview).toEqual({ url: "https://pr-42.example.com/" });
      const rec = (await worker.api("GET", "/sessions/pr-42")).json;
      expect(rec).toMatchObject({ version: 1, spec: { type: "preview" } });
      expect(rec.spec.services.find((x: { name: string }) => x.name === "web").route).toBe("https://pr-42.web.example-staging.com");
      expect(rec.expires_at).toBeTruthy();
      const comments = s.comments();
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain("Preview: https://pr-42.example.com");
      expect(comments[0]!.body).not.toContain(worker.token);

      const again = await run("preview");
      expect(again.ok, explain(again)).toBe(true);
      expect((await worker.api("GET", "/sessions/pr-42")).json.version).toBe(2);
      expect(s.comments()).toHaveLength(1);
      for (const step of [...first.steps, ...again.steps]) expect(step.stdout + step.stderr).not.toContain(worker.token);
    });

    it("deletes the preview when the pull request closes, and closing again is not an error", async () => {
      const r = await run("cleanup");
      expect(r.ok, explain(r)).toBe(true);
      expect((await worker.api("GET", "/sessions/pr-42")).status).toBe(404);
      const again = await run("cleanup");
      expect(again.ok, explain(again)).toBe(true);
      expect(again.steps.at(-1)!.stdout).toContain("session/pr-42 not found (nothing to delete)");
    });
  });
});

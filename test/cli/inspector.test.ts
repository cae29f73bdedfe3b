// `linkup explain`, `linkup requests` and `linkup dashboard` as real CLI processes: explain's table
// (each attribution source, each failure kind) offline against the config and against live
// sessions, the request log read and followed, and the dashboard's one-time link.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "../../src/clients/admin-client.js";
import type { RequestRecord } from "../../src/core/request-record.js";
import type { ExplainReport } from "../../src/operations/explain.js";
import { freePort, startBackends, type Backends } from "./support/backends.js";
import { runCli, spawnCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

/** Two named sessions over web/api/auth; example.com routes /api to api, /auth to auth (rewritten). */
function config(workerUrl: string, workerToken: string): string {
  return `linkup:
  worker_url: ${workerUrl}
  worker_token: ${workerToken}
  config_id: inspector
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example.com
  - name: auth
    local: http://127.0.0.1:5000
    remote: https://auth.example.com
    rewrites:
      - source: ^/auth/
        target: /
domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
      - path: ^/auth/
        service: auth
sessions:
  - name: team-demo
    type: tunneled
    routes: { web: local }
  - name: solo-work
    type: isolated
    routes: { api: local }
`;
}

describe("linkup explain, offline (nothing running: the config's sessions)", () => {
  let p: Project;
  let env: Record<string, string>;
  const explain = async (args: string[]) => {
    const r = await runCli(["explain", ...args, "-o", "json"], { cwd: p.dir, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as ExplainReport;
  };

  beforeAll(async () => {
    p = makeProject();
    p.write(config(`http://127.0.0.1:${await freePort()}`, "unused"));
    env = { LINKUP_HOME: p.dir + "/home", LINKUP_ADMIN_PORT: String(await freePort()), NO_COLOR: "1" };
  });
  afterAll(() => p?.remove());

  it.each([
    ["host", "https://team-demo.example.com/", []],
    ["x-forwarded-host", "http://127.0.0.1:8787/", ["-H", "X-Forwarded-Host: team-demo.example.com"]],
    ["referer", "https://example.com/api/users", ["-H", "Referer: https://team-demo.example.com/page?secret=1"]],
    ["origin", "https://example.com/api/users", ["-H", "Origin: https://team-demo.example.com"]],
    ["tracestate", "https://example.com/api/users", ["-H", "tracestate: linkup-session=team-demo"]],
    ["baggage", "https://example.com/api/users", ["-H", "baggage: linkup-session=team-demo"]],
  ])("attribution by %s", async (source, url, headers) => {
    const e = await explain([url, ...headers]);
    expect(e.sources).toEqual({ local: "config", worker: "config" });
    expect(e.at).toBe("worker");
    const chosen = e.hops[0]!.attribution.find((s) => s.result === "chosen");
    expect(chosen).toMatchObject({ source, name: "team-demo" });
    expect(e.result.session).toBe("team-demo");
  });

  it.each([
    ["no-session", ["https://example.com/"], 422, "No session claimed the request"],
    ["unknown-session", ["https://example.com/", "-H", "tracestate: linkup-session=ghost-cat"], 422, "does not exist here"],
    ["no-target", ["https://team-demo.other.org/"], 404, "answers for: example.com"],
  ])("failure: %s", async (kind, args, status, hint) => {
    const e = await explain(args);
    expect(e.hops[0]!.failure).toMatchObject({ kind, status });
    expect(e.result.status).toBe(status);
    expect(e.hint).toContain(hint);
  });

  it("a rewrite, and a local service through the tunnel to its local URL", async () => {
    const e = await explain(["https://team-demo.example.com/auth/login?next=/"]);
    expect(e.hops.map((h) => h.at)).toEqual(["worker"]);
    expect(e.hops[0]).toMatchObject({ service: "auth", location: "remote", route: "^/auth/", target_url: "https://auth.example.com/login" });
    expect(e.hops[0]!.rewrites).toEqual([{ source: "^/auth/", target: "/", before: "/auth/login", after: "/login" }]);
    expect(e.query).toBe(true);
    const web = await explain(["https://team-demo.example.com/"]);
    expect(web.hops.map((h) => h.at)).toEqual(["worker", "local"]);
    expect(web.hops[0]).toMatchObject({ service: "web", location: "local", via_tunnel: true, target_url: null });
    expect(web.result).toMatchObject({ service: "web", location: "local", target_url: "http://127.0.0.1:3000/" });
  });

  it("an isolated session is explained at the local server", async () => {
    const e = await explain(["https://solo-work.example.com/api/x"]);
    expect(e.at).toBe("local");
    expect(e.result).toMatchObject({ session: "solo-work", service: "api", location: "local", target_url: "http://127.0.0.1:4000/api/x" });
  });

  it("prints each step as text, with the hint for --session", async () => {
    const r = await runCli(["explain", "https://example.com/api/users", "--session", "team-demo"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("at the worker");
    expect(r.stdout).toMatch(/host\s+example\.com\s+names no session/);
    expect(r.stdout).toContain("result: 422, not forwarded");
    expect(r.stdout).toContain("hint: No session claimed the request. It would reach session team-demo with any of: the host team-demo.example.com");
  });

  it("refuses a URL that is none and a header without a colon (exit 2)", async () => {
    const bad = await runCli(["explain", "not a url"], { cwd: p.dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not an http(s) URL");
    const header = await runCli(["explain", "https://example.com/", "-H", "Referer"], { cwd: p.dir, env });
    expect(header.code).toBe(2);
    expect(header.stderr).toContain("'Name: value'");
  });
});

describe("against live sessions (worker and local server running)", () => {
  let b: Backends;
  let p: Project;
  let upstream: http.Server;
  let upstreamUrl: string;
  let proxyPort: number;
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env: b.env });

  /** A request through the local proxy for a session host. */
  const viaProxy = (host: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: proxyPort, path, headers: { host, ...headers }, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });

  beforeAll(async () => {
    b = await startBackends();
    upstream = http.createServer((req, res) => {
      req.resume();
      res.end("ok");
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    p = makeProject();
    p.write(config(b.workerUrl, b.workerToken).replaceAll("http://127.0.0.1:4000", upstreamUrl));
    const applied = await cli(["apply"]);
    expect(applied.code, applied.stderr).toBe(0);
    proxyPort = (await adminClient({ stateDir: b.home, adminPort: b.adminPort }).status()).ports.proxy;
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
    p?.remove();
  });

  it("explain reads the live sessions of both sides", async () => {
    const r = await cli(["explain", "https://team-demo.example.com/", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as ExplainReport;
    expect(e.sources).toEqual({ local: "live", worker: "live" });
    // Live, the tunnel is known: the worker hop names it.
    expect(e.hops[0]!.target_url).not.toBeNull();
    expect(e.hops[1]).toMatchObject({ at: "local", destination: true, target_url: "http://127.0.0.1:3000/" });
  });

  it("requests prints the log, filtered, as JSON and as lines", async () => {
    expect(await viaProxy("solo-work.example.com", "/api/items?token=s3cret")).toBe(200);
    expect(await viaProxy("nobody.example.com", "/")).toBe(422);
    const r = await cli(["requests", "--session", "solo-work", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const { requests } = JSON.parse(r.stdout) as { requests: RequestRecord[] };
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((x) => x.session === "solo-work")).toBe(true);
    expect(requests.at(-1)).toMatchObject({ path: "/api/items", service: "api", location: "local", status: 200, attribution: { source: "host" } });
    expect(r.stdout).not.toContain("s3cret");

    const text = await cli(["requests", "--tail", "2"]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ local  200 GET solo-work\.example\.com\/api\/items -> solo-work\/api local \(host\) [\d.]+ms$/);
    expect(lines[1]).toMatch(/ local  422 GET nobody\.example\.com\/ no-session: no session named by the request exists$/);
  });

  it("requests -f follows new requests until interrupted", async () => {
    const follow = spawnCli(["requests", "-f", "--tail", "0", "--service", "api", "-o", "json"], { cwd: p.dir, env: b.env });
    try {
      // The stream is open once the local server counts a reader; send until the follower prints one.
      let seen = "";
      for (let i = 0; i < 50 && !seen; i++) {
        await viaProxy("solo-work.example.com", `/api/follow-${i}`);
        await viaProxy("solo-work.example.com", `/web-${i}`);
        seen = await follow.waitFor(/\{.*"path":"\/api\/follow-\d+".*\}\n/, 0, 400).catch(() => "");
      }
      expect(seen).not.toBe("");
      const record = JSON.parse(seen) as RequestRecord;
      expect(record).toMatchObject({ session: "solo-work", service: "api" });
      expect(follow.output()).not.toContain("/web-");
    } finally {
      expect(await follow.stop("SIGINT")).toBe(0);
    }
  });

  it("dashboard prints a one-time link that logs a browser in once", async () => {
    const r = await cli(["dashboard", "--print", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const link = JSON.parse(r.stdout) as { url: string; expires_in: number };
    expect(link.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${b.adminPort}/dashboard/login\\?code=[\\w-]+$`));
    expect(link.url).not.toContain(b.workerToken);
    const first = await fetch(link.url, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("set-cookie")).toContain("HttpOnly");
    expect((await fetch(link.url, { redirect: "manual" })).status).toBe(403);
    const text = await cli(["dashboard", "--print"]);
    expect(text.stdout).toMatch(/^Open http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=/);
  });
});

describe("without a local server", () => {
  it("requests and dashboard say to start it (exit 2)", async () => {
    const p = makeProject();
    try {
      const env = { LINKUP_HOME: p.dir + "/home", LINKUP_ADMIN_PORT: String(await freePort()), NO_COLOR: "1" };
      for (const args of [["requests"], ["dashboard", "--print"]]) {
        const r = await runCli(args, { cwd: p.dir, env });
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr).toContain("linkup start");
      }
    } finally {
      p.remove();
    }
  });
});

// Previews as CI uses them, through the real CLI against the real worker (Miniflare) and local
// server: create-preview run twice exits 0 (an upsert), an unnamed preview gets the same name (and
// URL) for the same routes, --ttl and the 7-day default, --wait, sessions that are not previews are
// left alone, and `apply` renews a declared session that is close to (or past) its expiry.
import { createServer, request as httpRequest, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";

const DAY = 86_400_000;

describe("previews CI can run again and again", () => {
  let b: Backends;
  let p: Project;
  let app: Server;
  let appUrl: string;
  const seen: { url: string; tracestate: string | undefined }[] = [];
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } });
  const json = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const worker = async (name: string) => (await b.workerRecords()).find((r) => r.name === name);
  /** A request to the worker for <session>.example.com (a raw socket: fetch cannot set Host). */
  const viaWorker = (session: string, path = "/") =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(b.workerUrl);
      const req = httpRequest({ host: u.hostname, port: u.port, path, headers: { host: `${session}.example.com` }, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });

  beforeAll(async () => {
    b = await startBackends();
    app = createServer((req, res) => {
      seen.push({ url: req.url ?? "", tracestate: req.headers.tracestate as string | undefined });
      res.end("preview app");
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
    p = makeProject();
    p.write(configYaml(b, { configId: "ci", sessions: "  - name: pr-decl\n    type: preview\n    ttl: 2d\n" }));
  });
  afterAll(async () => {
    await b?.close();
    await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
    p?.remove();
  });

  it("a named preview created twice exits 0: replaced, not refused; the expiry moves on", async () => {
    const first = await json(["sessions", "create-preview", "pr-5", "web=https://web-pr-5.example.com", "--json"]);
    expect(first).toMatchObject({ name: "pr-5", result: "created", urls: ["https://pr-5.example.com/"], version: 1 });
    expect(Date.parse(first.expires_at) - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    const again = await json(["sessions", "create-preview", "pr-5", "web=https://web-pr-5.example.com", "--json"]);
    expect(again).toMatchObject({ name: "pr-5", result: "renewed", version: 2 });
    expect(Date.parse(again.expires_at)).toBeGreaterThanOrEqual(Date.parse(first.expires_at));
    const changed = await cli(["sessions", "create-preview", "pr-5", "web=https://web-pr-5b.example.com"]);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/^session\/pr-5 configured \(expires 20\d\d-/);
    expect((await worker("pr-5"))?.spec.services.find((s) => s.name === "web")?.route).toBe("https://web-pr-5b.example.com");
    // --print-request now names the version it would replace.
    const req = await json(["sessions", "create-preview", "pr-5", "--print-request"]);
    expect(req.headers).toMatchObject({ "if-match": '"3"' });
  });

  it("an unnamed preview gets the same name and URL for the same routes, another for other routes", async () => {
    const a = await json(["sessions", "create-preview", "api=https://api-build-1.example.com", "--json"]);
    expect(a.name).toMatch(/^preview-[0-9a-f]{10}$/);
    expect(a.result).toBe("created");
    const b2 = await json(["sessions", "create-preview", "api=https://api-build-1.example.com", "--json"]);
    expect(b2).toMatchObject({ name: a.name, urls: a.urls, result: "renewed" });
    const text = await cli(["sessions", "create-preview", "api=https://api-build-1.example.com"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`https://${a.name}.example.com`);
    const other = await json(["sessions", "create-preview", "api=https://api-build-2.example.com", "--json"]);
    expect(other.name).not.toBe(a.name);
  });

  it("--ttl sets the lifetime; a bad one is refused before anything is written", async () => {
    const r = await json(["sessions", "create-preview", "pr-ttl", "--ttl", "72h", "--json"]);
    const rec = await worker("pr-ttl");
    expect(rec?.spec.ttl).toBe("3d");
    expect(Date.parse(r.expires_at) - Date.parse(rec!.updated_at)).toBe(3 * DAY);
    const bad = await cli(["sessions", "create-preview", "pr-bad", "--ttl", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--ttl");
    expect(await worker("pr-bad")).toBeUndefined();
  });

  it("leaves a session of that name alone when it is not a preview", async () => {
    expect((await cli(["apply"])).code).toBe(0);
    expect((await cli(["sessions", "create-isolated", "iso-x"])).code).toBe(0);
    // A tunneled session on the worker, written by apply from a second config.
    const other = makeProject();
    try {
      other.write(configYaml(b, { configId: "other", sessions: "  - name: team-t\n    routes: { web: local }\n" }));
      expect((await runCli(["apply"], { cwd: other.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } })).code).toBe(0);
    } finally {
      other.remove();
    }
    const before = await worker("team-t");
    const r = await cli(["sessions", "create-preview", "team-t"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("session team-t exists and is a tunneled session; create-preview only replaces previews");
    expect(await worker("team-t")).toEqual(before);
  });

  it("--wait returns once the worker routes the preview", async () => {
    const r = await json(["sessions", "create-preview", "pr-wait", `web=${appUrl}`, "--wait", "--json"]);
    expect(r.name).toBe("pr-wait");
    // The wait's own probe reached the app through the worker, naming the session in tracestate.
    expect(seen.some((s) => s.tracestate?.startsWith("linkup-session=pr-wait"))).toBe(true);
    const res = await viaWorker("pr-wait", "/page");
    expect(res).toMatchObject({ status: 200, body: "preview app" });
  });

  it("sessions list shows when each session expires", async () => {
    const list = await json(["sessions", "list", "--json"]);
    const byName = Object.fromEntries(list.sessions.map((s: { name: string }) => [s.name, s]));
    expect(Date.parse(byName["pr-5"].expires_at)).toBeGreaterThan(Date.now() + 6 * DAY);
    expect(byName["iso-x"].expires_at).toBeNull();
    const text = await cli(["sessions", "list"]);
    expect(text.stdout).toMatch(/^SESSION\s+TYPE\s+WHERE\s+MANAGED BY\s+OWNER\s+EXPIRES\s+URLS$/m);
    expect(text.stdout).toMatch(/^pr-5\s+preview\s+worker\s+-\s+-\s+in 6d 23h\s+https:/m);
    // An isolated session lives on this machine only: its no-setup URL on the local proxy.
    expect(text.stdout).toMatch(/^iso-x\s+isolated\s+local\s+-\s+-\s+never\s+http:\/\/iso-x\.example\.com\.localhost:\d+\/$/m);
  });

  it("apply renews a declared preview with less than half its ttl left; diff does not count that as a change", async () => {
    const applied = await worker("pr-decl");
    expect(applied?.spec.ttl).toBe("2d");
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await b.patchWorkerRecord("pr-decl", { expires_at: soon });
    expect((await cli(["diff"])).code).toBe(0);
    const r = await cli(["apply"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("session/pr-decl configured");
    const renewed = await worker("pr-decl");
    expect(renewed!.version).toBe(applied!.version + 1);
    expect(Date.parse(renewed!.expires_at!) - Date.now()).toBeGreaterThan(2 * DAY - 60_000);
    // Right after, nothing is due: a second apply writes nothing.
    expect((await cli(["apply"])).stdout).toContain("session/pr-decl unchanged");
    expect((await worker("pr-decl"))!.version).toBe(renewed!.version);
  });

  it("an expired session answers 410 until apply writes it again; diff shows it as due", async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    await b.patchWorkerRecord("pr-decl", { expires_at: past });
    const gone = await viaWorker("pr-decl");
    expect(gone.status).toBe(410);
    expect(gone.body).toContain(`Linkup session "pr-decl" expired at ${past}`);
    const d = await cli(["diff"]);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain("diff session/pr-decl (worker): will be renewed (expires " + past + ")");
    expect((await cli(["apply"])).code).toBe(0);
    expect((await viaWorker("pr-decl")).status).not.toBe(410);
  });

  it("sessions delete --ignore-not-found exits 0 for a preview that is already gone", async () => {
    expect(await json(["sessions", "delete", "pr-5", "--json"])).toEqual({ name: "pr-5", deleted: ["worker"] });
    expect((await cli(["sessions", "delete", "pr-5"])).code).toBe(2);
    expect(await json(["sessions", "delete", "pr-5", "--ignore-not-found", "--json"])).toEqual({ name: "pr-5", deleted: [] });
  });
});

// The local server's request log over real sockets: what each routed request records (GET
// /linkup/v1/requests and the server-sent event stream), the linkup-route answer header, the
// guards in front of both endpoints, and that no secret a request carries (token, cookie, query,
// credentials in an upstream URL) ever reaches the log or the stream.
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestRecord } from "../../src/core/request-record.js";
import type { SessionSpec } from "../../src/core/session.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { CLI_VERSION, DOMAIN, TEST_TOKEN, admin, putSession, request, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

const SECRETS = ["Bearer-s3cret-token", "cookie-s3cret", "query-s3cret", "referer-s3cret", "pass-s3cret", "set-cookie-s3cret"];

let dir: string;
let server: LocalServer;
let web: Upstream;
let api: Upstream;

interface Stream {
  /** Everything received so far, as sent. */
  raw(): string;
  records(): RequestRecord[];
  waitFor(predicate: (records: RequestRecord[]) => boolean, what: string): Promise<RequestRecord[]>;
  status: Promise<number>;
  close(): void;
}

/** An SSE reader over a raw socket (headers as the test gives them). */
function openStream(path: string, headers: Record<string, string>): Stream {
  const url = new URL(server.adminUrl);
  let raw = "";
  let statusResolve!: (n: number) => void;
  const status = new Promise<number>((r) => (statusResolve = r));
  const waiters = new Set<() => void>();
  const req = http.request({ host: url.hostname, port: url.port, path, headers: { host: url.host, ...headers }, agent: false }, (res) => {
    statusResolve(res.statusCode ?? 0);
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      raw += chunk;
      for (const w of waiters) w();
    });
    res.on("error", () => {});
  });
  req.on("error", () => statusResolve(0));
  req.end();
  const records = () =>
    raw
      .split("\n\n")
      .filter((block) => block.includes("event: request"))
      .map((block) => JSON.parse(block.split("\n").find((l) => l.startsWith("data: "))!.slice(6)) as RequestRecord);
  return {
    raw: () => raw,
    records,
    status,
    waitFor(predicate, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const r = records();
          if (predicate(r)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(r);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stream never showed ${what}; got:\n${raw}`));
        }, 20_000);
        waiters.add(check);
        check();
      });
    },
    close: () => req.destroy(),
  };
}

const authHeaders = () => ({ authorization: `Bearer ${TEST_TOKEN}`, "x-linkup-version": CLI_VERSION });

async function list(query = ""): Promise<{ requests: RequestRecord[]; last_id: number }> {
  const res = await admin(server.adminUrl, "GET", `/linkup/v1/requests${query}`);
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-requests-"));
  web = await startUpstream("web", (req, res) => {
    req.resume();
    res.setHeader("set-cookie", "sid=set-cookie-s3cret; HttpOnly");
    res.end(`web ${req.url}`);
  });
  api = await startUpstream("api");
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "alpha", spec(web.url, api.url));
  // A URL override carrying credentials: the record may name its origin only.
  const withOverride: SessionSpec = {
    ...spec(web.url, api.url),
    services: spec(web.url, api.url).services.map((s) => (s.name === "web" ? { ...s, route: web.url.replace("http://", "http://user:pass-s3cret@") + "/base" } : s)),
  };
  await putSession(server.adminUrl, "beta", withOverride);
  const down: SessionSpec = { ...spec("http://127.0.0.1:9"), type: "isolated" };
  await putSession(server.adminUrl, "gamma", down);
});

afterAll(async () => {
  await server?.close();
  await web?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the request log", () => {
  it("records a routed request: session, how it was found, route, rewrite, service, target, status", async () => {
    const before = (await list()).last_id;
    const res = await viaProxy(server.proxyUrl, "alpha", "/api/users?id=7");
    expect(res.status).toBe(200);
    const { requests } = await list(`?after=${before}`);
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r).toMatchObject({
      at: "local",
      method: "GET",
      host: `alpha.${DOMAIN}`,
      path: "/api/users",
      session: "alpha",
      attribution: { source: "host", value: `alpha.${DOMAIN}` },
      domain: DOMAIN,
      route: "^/api/",
      rewrites: [{ source: "^/api/", target: "/" }],
      service: "api",
      location: "local",
      target: api.url,
      via_tunnel: false,
      destination: false,
      status: 200,
      failure: null,
    });
    expect(r.id).toBe(before + 1);
    expect(Date.parse(r.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers with linkup-route naming session, service and location, never a URL", async () => {
    const res = await viaProxy(server.proxyUrl, "alpha", "/page");
    expect(res.headers["linkup-route"]).toBe('session="alpha", service="web", location=local');
    const overridden = await viaProxy(server.proxyUrl, "beta", "/page");
    expect(overridden.headers["linkup-route"]).toBe('session="beta", service="web", location=override');
    expect(overridden.headers["linkup-route"]).not.toContain("127.0.0.1");
  });

  it("records routing failures and upstream failures with their kind and status", async () => {
    const before = (await list()).last_id;
    await request(`${server.proxyUrl}/`, { headers: { host: "localhost" } });
    await request(`${server.proxyUrl}/`, { headers: { host: "localhost", tracestate: "linkup-session=ghost-cat" } });
    await viaProxy(server.proxyUrl, "alpha", "/", { headers: { host: "alpha.other.test" } });
    await viaProxy(server.proxyUrl, "gamma", "/");
    const { requests } = await list(`?after=${before}`);
    expect(requests.map((r) => [r.failure?.kind, r.status])).toEqual([
      ["no-session", 422],
      ["unknown-session", 422],
      ["no-target", 404],
      ["upstream-failed", 502],
    ]);
    expect(requests[3]).toMatchObject({ session: "gamma", service: "web", failure: { detail: "connection refused" } });
  });

  it("filters by session and service, and limits to the newest", async () => {
    await viaProxy(server.proxyUrl, "alpha", "/api/x");
    await viaProxy(server.proxyUrl, "alpha", "/y");
    const onlyApi = await list("?session=alpha&service=api");
    expect(onlyApi.requests.length).toBeGreaterThan(0);
    expect(onlyApi.requests.every((r) => r.session === "alpha" && r.service === "api")).toBe(true);
    const newest = await list("?limit=1");
    expect(newest.requests).toHaveLength(1);
    expect(newest.requests[0]!.id).toBe(newest.last_id);
  });

  it("is behind the admin guards: token, loopback Host, no Origin", async () => {
    const path = "/linkup/v1/requests";
    expect((await admin(server.adminUrl, "GET", path, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    expect((await admin(server.adminUrl, "GET", path, { headers: { host: "evil.example" } })).status).toBe(403);
    expect((await admin(server.adminUrl, "GET", path, { headers: { origin: new URL(server.adminUrl).origin } })).status).toBe(403);
    const stream = openStream(`${path}/stream`, { origin: "http://evil.example", ...authHeaders() });
    expect(await stream.status).toBe(403);
    stream.close();
    const noToken = openStream(`${path}/stream`, { "x-linkup-version": CLI_VERSION });
    expect(await noToken.status).toBe(401);
    noToken.close();
  });
});

describe("the request stream (server-sent events)", () => {
  it("sends the backlog after Last-Event-ID, then each request as it is routed", async () => {
    const before = (await list()).last_id;
    await viaProxy(server.proxyUrl, "alpha", "/backlog");
    const stream = openStream("/linkup/v1/requests/stream", { ...authHeaders(), "last-event-id": String(before) });
    try {
      expect(await stream.status).toBe(200);
      await stream.waitFor((r) => r.some((x) => x.path === "/backlog"), "the backlog");
      expect(stream.records()[0]!.id).toBe(before + 1);
      await viaProxy(server.proxyUrl, "alpha", "/live");
      const records = await stream.waitFor((r) => r.some((x) => x.path === "/live"), "the live request");
      expect(records.map((r) => r.path)).toEqual(["/backlog", "/live"]);
      expect(stream.raw()).toMatch(new RegExp(`id: ${before + 2}\nevent: request\ndata: \\{`));
    } finally {
      stream.close();
    }
  });

  it("streams only what the filter names", async () => {
    const after = (await list()).last_id;
    const stream = openStream(`/linkup/v1/requests/stream?service=api&after=${after}`, authHeaders());
    try {
      expect(await stream.status).toBe(200);
      await viaProxy(server.proxyUrl, "alpha", "/not-api");
      await viaProxy(server.proxyUrl, "alpha", "/api/yes");
      const records = await stream.waitFor((r) => r.length > 0, "a filtered record");
      expect(records.map((r) => [r.service, r.path])).toEqual([["api", "/api/yes"]]);
    } finally {
      stream.close();
    }
  });

  it("never carries tokens, cookies, query strings or credentials", async () => {
    const after = (await list()).last_id;
    const stream = openStream(`/linkup/v1/requests/stream?after=${after}`, authHeaders());
    try {
      expect(await stream.status).toBe(200);
      const headers = {
        authorization: "Bearer Bearer-s3cret-token",
        cookie: "session=cookie-s3cret; other=1",
        referer: `http://alpha.${DOMAIN}/from?next=referer-s3cret`,
      };
      await viaProxy(server.proxyUrl, "alpha", "/api/users?token=query-s3cret", { headers });
      await viaProxy(server.proxyUrl, "alpha", "/page?token=query-s3cret", { headers });
      await viaProxy(server.proxyUrl, "beta", "/page?token=query-s3cret", { headers });
      // No session named (the Referer would name alpha): a failure record, with the same secrets sent.
      await request(`${server.proxyUrl}/x?token=query-s3cret`, {
        headers: { authorization: headers.authorization, cookie: headers.cookie, host: "api.other.test", referer: "http://other.test/?q=referer-s3cret" },
      });
      await viaProxy(server.proxyUrl, "gamma", "/down?token=query-s3cret", { headers });
      // The requests reached their upstreams with every header (Linkup forwards them)...
      expect(web.seen.some((s) => s.headers.cookie === headers.cookie)).toBe(true);
      const records = await stream.waitFor((r) => r.length >= 5, "five records");
      expect(records.map((r) => r.session)).toEqual(["alpha", "alpha", "beta", null, "gamma"]);
      expect(records[2]!.target).toBe(web.url);
      // ...but neither the stream nor the list holds any of them.
      const listed = JSON.stringify((await list(`?after=${after}`)).requests);
      for (const secret of SECRETS) {
        expect(stream.raw(), secret).not.toContain(secret);
        expect(listed, secret).not.toContain(secret);
      }
      expect(stream.raw()).not.toContain("?");
    } finally {
      stream.close();
    }
  });

  it("ends open streams when the server closes", async () => {
    const own = mkdtempSync(join(tmpdir(), "linkup-requests-close-"));
    const s = await startLocalServer({ stateDir: own, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
    try {
      const url = new URL(s.adminUrl);
      const ended = new Promise<void>((resolve, reject) => {
        const req = http.request(
          { host: url.hostname, port: url.port, path: "/linkup/v1/requests/stream", headers: { host: url.host, ...authHeaders() }, agent: false },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.resume();
            res.on("close", () => resolve());
            void s.close();
          },
        );
        req.on("error", reject);
        req.end();
      });
      await ended;
    } finally {
      await s.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("keeps nothing when the request log is off", async () => {
    const own = mkdtempSync(join(tmpdir(), "linkup-requests-off-"));
    const s = await startLocalServer({ stateDir: own, port: 0, adminPort: 0, adminToken: TEST_TOKEN, requestLogSize: 0 });
    try {
      expect(s.requestLog).toBeNull();
      const res = await admin(s.adminUrl, "GET", "/linkup/v1/requests");
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe("request-log-off");
    } finally {
      await s.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});

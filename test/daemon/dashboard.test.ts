// The dashboard on the admin listener over real sockets: the one-time login (code from the admin
// API, cookie, redirect), what the cookie opens and what it does not (the token API), the Origin
// rule (the admin origin itself for the dashboard, nothing else anywhere), the other CSRF checks on
// writes, and the relayed session API with If-Match. The page in a real browser is
// test/e2e/dashboard.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardState } from "../../src/core/local-api.js";
import type { SessionRecord } from "../../src/core/session.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TEST_TOKEN, admin, putSession, request, spec, startUpstream, viaProxy, type RawResponse, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let web: Upstream;
let host: string;
let own: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-dashboard-"));
  web = await startUpstream("web", (req, res) => {
    req.resume();
    res.writeHead(req.url === "/health" ? 204 : 200).end("web");
  });
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  host = new URL(server.adminUrl).host;
  own = `http://${host}`;
  await putSession(server.adminUrl, "alpha", { ...spec(web.url), services: [{ name: "web", route: "local", local: web.url, remote: web.url + "/remote", rewrites: [] }] });
});

afterAll(async () => {
  await server?.close();
  await web?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function code(context: unknown = { health: { web: { path: "/health", statuses: [204] } }, personal: "alpha" }): Promise<string> {
  const res = await admin(server.adminUrl, "POST", "/linkup/v1/dashboard/code", { body: context });
  expect(res.status, res.body).toBe(201);
  const answer = JSON.parse(res.body) as { path: string; expires_in: number };
  expect(answer.path).toMatch(/^\/dashboard\/login\?code=[\w-]{40,}$/);
  expect(answer.expires_in).toBeGreaterThan(0);
  return answer.path;
}

/** Logs in with a fresh code; returns the Cookie header value. */
async function login(): Promise<string> {
  const res = await request(`${server.adminUrl}${await code()}`, { headers: { host } });
  expect(res.status).toBe(303);
  const setCookie = String(res.headers["set-cookie"]);
  return setCookie.split(";")[0]!;
}

function dash(method: string, path: string, cookie: string | undefined, headers: Record<string, string> = {}, body?: unknown): Promise<RawResponse> {
  return request(`${server.adminUrl}${path}`, {
    method,
    headers: {
      host,
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe("dashboard login", () => {
  it("a one-time code from the admin API sets an HttpOnly, SameSite=Strict cookie and redirects to the page", async () => {
    const path = await code();
    const res = await request(`${server.adminUrl}${path}`, { headers: { host } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/dashboard");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(new RegExp(`^linkup_dashboard_${new URL(server.adminUrl).port}=[\\w-]{40,};`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/dashboard");
    // Neither the code nor the cookie is the admin token.
    expect(path).not.toContain(TEST_TOKEN);
    expect(cookie).not.toContain(TEST_TOKEN);
    // The code is spent: the address left in the history opens nothing.
    const again = await request(`${server.adminUrl}${path}`, { headers: { host } });
    expect(again.status).toBe(403);
    expect(again.body).toContain("linkup dashboard");
    expect(again.headers["set-cookie"]).toBeUndefined();
  });

  it("only the admin token gets a code", async () => {
    const res = await admin(server.adminUrl, "POST", "/linkup/v1/dashboard/code", { body: {}, headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    const bad = await admin(server.adminUrl, "POST", "/linkup/v1/dashboard/code", { body: { worker: { url: "ftp://x" } } });
    expect(bad.status).toBe(400);
  });

  it("refuses unknown codes and pages without the cookie", async () => {
    expect((await dash("GET", "/dashboard/login?code=made-up", undefined)).status).toBe(403);
    const page = await dash("GET", "/dashboard", undefined);
    expect(page.status).toBe(401);
    expect(page.body).toContain("linkup dashboard");
    const api = await dash("GET", "/dashboard/api/state", "linkup_dashboard_1=forged");
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error.code).toBe("dashboard-login-required");
  });

  it("logging out ends the login", async () => {
    const cookie = await login();
    expect((await dash("GET", "/dashboard/api/state", cookie)).status).toBe(200);
    expect((await dash("POST", "/dashboard/logout", cookie, { origin: own })).status).toBe(204);
    expect((await dash("GET", "/dashboard/api/state", cookie)).status).toBe(401);
  });
});

describe("what the cookie opens", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login();
  });

  it("the page and its own script and style, with a strict CSP and no framing", async () => {
    const page = await dash("GET", "/dashboard", cookie);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain('src="/dashboard/app.js"');
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    // Nothing from elsewhere: no CDN, works offline.
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await dash("GET", "/dashboard/app.js", cookie);
    expect(script.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(script.body).toContain("EventSource");
    expect(script.body).not.toContain("innerHTML");
    expect((await dash("GET", "/dashboard/app.css", cookie)).headers["content-type"]).toMatch(/^text\/css/);
  });

  it("the state: sessions with routes, health from the login's checks, the local server", async () => {
    const res = await dash("GET", "/dashboard/api/state", cookie);
    expect(res.status, res.body).toBe(200);
    const state = JSON.parse(res.body) as DashboardState;
    expect(state.personal).toBe("alpha");
    const alpha = state.sessions.find((s) => s.name === "alpha")!;
    expect(alpha.copies.map((c) => c.placement)).toEqual(["local"]);
    expect(alpha.services[0]).toMatchObject({ name: "web", routes: { local: "local" }, health: { local: { status: "ok", http_status: 204 } } });
    expect(alpha.urls).toEqual([`http://alpha.example.test:${new URL(server.proxyUrl).port}/`]);
    expect(state.local_server.pid).toBe(process.pid);
    expect(state.worker).toMatchObject({ url: null, reachable: false });
  });

  it("not the token API: the cookie is no bearer token", async () => {
    const res = await request(`${server.adminUrl}/linkup/v1/sessions`, { headers: { host, cookie, "x-linkup-version": "1.0.0" } });
    expect(res.status).toBe(401);
  });

  it("the request log as JSON and as a stream", async () => {
    await viaProxy(server.proxyUrl, "alpha", "/seen-by-dashboard");
    const res = await dash("GET", "/dashboard/api/requests?session=alpha", cookie);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).requests.some((r: { path: string }) => r.path === "/seen-by-dashboard")).toBe(true);
  });
});

describe("the Origin rule and the other CSRF checks", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login();
  });

  it("allows the admin origin itself on the dashboard", async () => {
    expect((await dash("GET", "/dashboard/api/state", cookie, { origin: own })).status).toBe(200);
  });

  it("refuses every other Origin on the dashboard, even with the cookie", async () => {
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1:${Number(new URL(server.adminUrl).port) + 1}`, `https://${host}`, `http://localhost:${new URL(server.adminUrl).port}`]) {
      const res = await dash("PUT", "/dashboard/api/sessions/local/alpha", cookie, { origin, "if-match": '"1"' }, { spec: {} });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe("forbidden-origin");
    }
  });

  it("still refuses the admin origin itself on the token API", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { origin: own } });
    expect(res.status).toBe(403);
  });

  it("refuses a write without Origin, without JSON, or from another site's fetch", async () => {
    const noOrigin = await dash("PUT", "/dashboard/api/sessions/local/alpha", cookie, { "if-match": '"1"' }, { spec: {} });
    expect(noOrigin.status).toBe(403);
    const form = await dash("PUT", "/dashboard/api/sessions/local/alpha", cookie, { origin: own, "if-match": '"1"', "content-type": "application/x-www-form-urlencoded" }, { spec: {} });
    expect(form.status).toBe(415);
    const crossSite = await dash("GET", "/dashboard/api/state", cookie, { "sec-fetch-site": "same-site" });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error.code).toBe("forbidden-site");
  });

  it("refuses other Hosts (DNS rebinding) before anything else", async () => {
    expect((await dash("GET", "/dashboard", cookie, { host: "evil.example" })).status).toBe(403);
    expect((await dash("GET", `/dashboard/login?code=x`, undefined, { host: "evil.example" })).status).toBe(403);
  });
});

describe("switching a route through the relayed session API", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login();
  });

  const write = (record: SessionRecord, route: string, ifMatch: string | undefined) =>
    dash(
      "PUT",
      `/dashboard/api/sessions/local/${record.name}`,
      cookie,
      { origin: own, ...(ifMatch !== undefined ? { "if-match": ifMatch } : {}) },
      { spec: { ...record.spec, services: record.spec.services.map((s) => ({ ...s, route })) }, managed_by: record.managed_by },
    );

  it("writes with If-Match, and the proxy follows at once", async () => {
    const read = await dash("GET", "/dashboard/api/sessions/local/alpha", cookie);
    expect(read.status).toBe(200);
    const record = JSON.parse(read.body) as SessionRecord;
    expect(read.headers.etag).toBe(`"${record.version}"`);
    const res = await write(record, "remote", `"${record.version}"`);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body).version).toBe(record.version + 1);
    expect((await viaProxy(server.proxyUrl, "alpha", "/x")).headers["linkup-route"]).toContain("location=remote");
  });

  it("a stale version is 412 with the current ETag; no If-Match is 428", async () => {
    const current = JSON.parse((await dash("GET", "/dashboard/api/sessions/local/alpha", cookie)).body) as SessionRecord;
    const stale = await write(current, "local", `"${current.version - 1}"`);
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe(`"${current.version}"`);
    expect((await write(current, "local", undefined)).status).toBe(428);
  });

  it("without a worker in the login, the worker side is 404", async () => {
    expect((await dash("GET", "/dashboard/api/sessions/worker/alpha", cookie)).status).toBe(404);
    expect((await dash("GET", "/dashboard/api/sessions/elsewhere/alpha", cookie)).status).toBe(404);
  });
});

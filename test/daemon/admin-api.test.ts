// The admin API over a real socket: the shared session API contract (src/api/contract.ts, also
// run against the worker), then what only the local mount does: the guards in front of it (Host,
// Origin), atomic check-and-write under the file store's lock, writes routed at once, the 404 for
// the worker's tunnel endpoint, /status, and the token file created on first start.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionApiContract } from "../../src/api/contract.js";
import { adminTokenPath, readAdminToken } from "../../src/machine/admin-token.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TEST_TOKEN, admin, request, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let port: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-admin-"));
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  port = new URL(server.adminUrl).port;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

sessionApiContract("local server (node:http)", () => ({ url: server.adminUrl, token: TEST_TOKEN }));

const body = { spec: spec("http://127.0.0.1:3000") };

describe("admin API guards (local only)", () => {
  it("is bound to loopback", () => {
    expect(new URL(server.adminUrl).hostname).toBe("127.0.0.1");
  });

  it("names the admin token file when the token is missing or wrong", async () => {
    const missing = await request(`${server.adminUrl}/linkup/v1/check`, { headers: { host: `127.0.0.1:${port}`, "x-linkup-version": "1.0.0" } });
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="linkup-local"');
    expect(JSON.parse(missing.body).error.message).toContain("admin-token file");
    const wrong = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toContain("admin-token file");
    expect(wrong.body).not.toContain(TEST_TOKEN);
  });

  it("accepts localhost:<port> as Host", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/check", { headers: { host: `localhost:${port}` } });
    expect(res.status).toBe(200);
  });

  it("refuses another Host with 403 even with the right token (DNS rebinding)", async () => {
    for (const host of [`evil.example:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`, "bad host"]) {
      const res = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe("forbidden-host");
    }
  });

  it("refuses any request carrying Origin with 403, before the token is looked at", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { origin: `http://127.0.0.1:${port}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("forbidden-origin");
    const noToken = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/from-page", { body, headers: { origin: "http://evil.example", authorization: "" } });
    expect(noToken.status).toBe(403);
    expect((await admin(server.adminUrl, "GET", "/linkup/v1/sessions/from-page")).status).toBe(404);
  });

  it("guards paths outside /linkup/v1 too, then answers 404", async () => {
    expect((await admin(server.adminUrl, "GET", "/elsewhere", { headers: { host: "evil.example" } })).status).toBe(403);
    expect((await admin(server.adminUrl, "GET", "/elsewhere", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    const res = await admin(server.adminUrl, "GET", "/elsewhere");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe("not-found");
  });
});

describe("admin session API (local only)", () => {
  it("checks If-Match and writes under one lock: of concurrent writers holding version 1, exactly one wins", async () => {
    expect((await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/contended", { body })).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        admin(server.adminUrl, "PUT", "/linkup/v1/sessions/contended", { body: { ...body, managed_by: `writer-${i}` }, headers: { "if-match": '"1"' } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = JSON.parse(answers.find((a) => a.status === 200)!.body);
    expect(JSON.parse((await admin(server.adminUrl, "GET", "/linkup/v1/sessions/contended")).body)).toMatchObject({ version: 2, managed_by: winner.managed_by });
  });

  it("routes a write on the next proxied request and stops routing a deleted session", async () => {
    let upstream: Upstream | undefined;
    try {
      upstream = await startUpstream("web", (_req, res) => res.end("from the dev server"));
      await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/routed", { body: { spec: spec(upstream.url) } });
      const routed = await viaProxy(server.proxyUrl, "routed", "/");
      expect(routed.status).toBe(200);
      expect(routed.body).toBe("from the dev server");
      expect((await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/routed")).status).toBe(204);
      expect((await viaProxy(server.proxyUrl, "routed", "/")).status).toBe(422);
    } finally {
      await upstream?.close();
    }
  });

  it("has no tunnel endpoint for sessions (404 on every method; 400 for an invalid name)", async () => {
    await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/no-tunnel", { body });
    for (const method of ["POST", "GET", "DELETE"]) {
      const res = await admin(server.adminUrl, method, "/linkup/v1/sessions/no-tunnel/tunnel");
      expect(res.status, method).toBe(404);
      expect(JSON.parse(res.body).error.message).toContain("worker's API");
    }
    expect((await admin(server.adminUrl, "POST", "/linkup/v1/sessions/Not_A_Label/tunnel")).status).toBe(400);
  });

  it("reports status: pid, version, ports, session count; other methods are 405", async () => {
    await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/gamma", { body });
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/status");
    expect(res.status).toBe(200);
    const status = JSON.parse(res.body);
    expect(status).toMatchObject({
      pid: process.pid,
      version: "1.1.0",
      ports: { proxy: Number(new URL(server.proxyUrl).port), admin: Number(port), https: null, dns: null },
      tunnel: { state: "stopped" },
    });
    expect(status.sessions).toBeGreaterThanOrEqual(1);
    const post = await admin(server.adminUrl, "POST", "/linkup/v1/status");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET");
    expect((await admin(server.adminUrl, "GET", "/linkup/v1/status", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });
});

describe("admin token file", () => {
  it("is created on first start with 64 hex chars and mode 0600, and reused on the next start", async () => {
    const own = mkdtempSync(join(tmpdir(), "linkup-token-"));
    try {
      const first = await startLocalServer({ stateDir: own, port: 0, adminPort: 0 });
      await first.close();
      const token = readAdminToken(own)!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(adminTokenPath(own)).mode & 0o777).toBe(0o600);
      const second = await startLocalServer({ stateDir: own, port: 0, adminPort: 0 });
      try {
        expect(readFileSync(adminTokenPath(own), "utf8").trim()).toBe(token);
        const p = new URL(second.adminUrl).port;
        const res = await request(`${second.adminUrl}/linkup/v1/check`, {
          headers: { host: `127.0.0.1:${p}`, authorization: `Bearer ${token}`, "x-linkup-version": "1.0.0" },
        });
        expect(res.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

// The admin API over a real socket: the guards (Host, Origin, token, version), the session API
// with versions, ETags and preconditions, and the token file created on first start.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminTokenPath, readAdminToken } from "../../src/machine/admin-token.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TEST_TOKEN, admin, request, spec } from "./proxy-fixtures.js";
import { LINKUP_VERSION } from "../../src/core/api.js";

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

const body = { spec: spec("http://127.0.0.1:3000") };

describe("admin API guards", () => {
  it("is bound to loopback", () => {
    expect(new URL(server.adminUrl).hostname).toBe("127.0.0.1");
  });

  it("answers the right token", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/check");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, version: "1.1.0", linkup_version: LINKUP_VERSION });
  });

  it("refuses a missing or wrong token with 401", async () => {
    const missing = await request(`${server.adminUrl}/linkup/v1/check`, { headers: { host: `127.0.0.1:${port}`, "x-linkup-version": "1.0.0" } });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body).error.code).toBe("unauthorized");
    const wrong = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain(TEST_TOKEN);
  });

  it("accepts localhost:<port> as Host", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/check", { headers: { host: `localhost:${port}` } });
    expect(res.status).toBe(200);
  });

  it("refuses another Host with 403 even with the right token (DNS rebinding)", async () => {
    for (const host of [`evil.example:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`]) {
      const res = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe("forbidden-host");
    }
  });

  it("refuses any request carrying Origin with 403", async () => {
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/sessions", { headers: { origin: `http://127.0.0.1:${port}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("forbidden-origin");
  });

  it("refuses a missing or incompatible CLI version with 401 telling to upgrade", async () => {
    const old = await admin(server.adminUrl, "GET", "/linkup/v1/check", { headers: { "x-linkup-version": "0.9.0" } });
    expect(old.status).toBe(401);
    expect(JSON.parse(old.body).error).toMatchObject({ code: "unsupported-version" });
    expect(old.body).toContain("upgrade");
  });
});

describe("admin session API", () => {
  it("creates, reads, replaces with If-Match, refuses a stale If-Match with 412, and deletes", async () => {
    const created = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/alpha", { body });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(JSON.parse(created.body)).toMatchObject({ name: "alpha", version: 1, managed_by: null });

    const got = await admin(server.adminUrl, "GET", "/linkup/v1/sessions/alpha");
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"1"');

    const replaced = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/alpha", {
      body: { ...body, managed_by: "cfg" },
      headers: { "if-match": '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(JSON.parse(replaced.body)).toMatchObject({ version: 2, managed_by: "cfg" });

    const stale = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/alpha", { body, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    expect(JSON.parse(stale.body).error.code).toBe("precondition-failed");

    const createOnly = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/alpha", { body, headers: { "if-none-match": "*" } });
    expect(createOnly.status).toBe(412);

    const list = await admin(server.adminUrl, "GET", "/linkup/v1/sessions");
    expect(JSON.parse(list.body).sessions.map((s: { name: string }) => s.name)).toEqual(["alpha"]);

    const staleDelete = await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/alpha", { headers: { "if-match": '"1"' } });
    expect(staleDelete.status).toBe(412);
    const deleted = await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/alpha", { headers: { "if-match": '"2"' } });
    expect(deleted.status).toBe(204);
    expect((await admin(server.adminUrl, "GET", "/linkup/v1/sessions/alpha")).status).toBe(404);
    expect((await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/alpha")).status).toBe(404);
  });

  it("?dry_run=1 validates and versions a write, answers what it would store, and stores nothing", async () => {
    const dry = "/linkup/v1/sessions/dry-one?dry_run=1";
    const created = await admin(server.adminUrl, "PUT", dry, { body, headers: { "if-none-match": "*" } });
    expect(created.status).toBe(201);
    expect(created.headers["x-linkup-dry-run"]).toBe("1");
    expect(JSON.parse(created.body)).toMatchObject({ name: "dry-one", version: 1 });
    expect((await admin(server.adminUrl, "GET", "/linkup/v1/sessions/dry-one")).status).toBe(404);

    expect((await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/dry-two", { body })).status).toBe(201);
    const replaced = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/dry-two?dry_run=1", {
      body: { ...body, managed_by: "cfg" },
      headers: { "if-match": '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(JSON.parse(replaced.body)).toMatchObject({ version: 2, managed_by: "cfg" });
    // The version rules still apply, and bad input is still refused.
    expect((await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/dry-two?dry_run=1", { body, headers: { "if-match": '"7"' } })).status).toBe(412);
    expect((await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/dry-two?dry_run=1", { body: { spec: { type: "nope" } } })).status).toBe(400);
    const deleted = await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/dry-two?dry_run=1", { headers: { "if-match": '"1"' } });
    expect(deleted.status).toBe(204);
    expect(deleted.headers["x-linkup-dry-run"]).toBe("1");
    expect((await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/missing?dry_run=1")).status).toBe(404);

    // Nothing of it landed: the stored session is still version 1, unowned, and routed as before.
    const kept = await admin(server.adminUrl, "GET", "/linkup/v1/sessions/dry-two");
    expect(JSON.parse(kept.body)).toMatchObject({ version: 1, managed_by: null });
    const names = JSON.parse((await admin(server.adminUrl, "GET", "/linkup/v1/sessions")).body).sessions.map((s: { name: string }) => s.name);
    expect(names).toContain("dry-two");
    expect(names).not.toContain("dry-one");
    expect((await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/dry-two")).status).toBe(204);
  });

  it("refuses bad input: invalid name, invalid spec, invalid JSON, too large, bad If-Match", async () => {
    const badName = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/Not_A_Label", { body });
    expect(badName.status).toBe(400);
    const badSpec = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/beta", { body: { spec: { type: "nope" } } });
    expect(badSpec.status).toBe(400);
    expect(JSON.parse(badSpec.body).error.code).toBe("invalid-session");
    const badJson = await request(`${server.adminUrl}/linkup/v1/sessions/beta`, {
      method: "PUT",
      headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TEST_TOKEN}`, "x-linkup-version": "1.0.0" },
      body: "{",
    });
    expect(badJson.status).toBe(400);
    const huge = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/beta", { body: { spec: body.spec, pad: "x".repeat(70 * 1024) } });
    expect(huge.status).toBe(413);
    const badIfMatch = await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/beta", { body, headers: { "if-match": "yesterday" } });
    expect(badIfMatch.status).toBe(400);
  });

  it("answers 404 for unknown endpoints and 405 for wrong methods", async () => {
    expect((await admin(server.adminUrl, "GET", "/linkup/v1/nothing")).status).toBe(404);
    const wrong = await admin(server.adminUrl, "POST", "/linkup/v1/sessions");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("GET");
  });

  it("reports status: pid, version, ports, session count", async () => {
    await admin(server.adminUrl, "PUT", "/linkup/v1/sessions/gamma", { body });
    const res = await admin(server.adminUrl, "GET", "/linkup/v1/status");
    expect(res.status).toBe(200);
    const status = JSON.parse(res.body);
    expect(status).toMatchObject({
      pid: process.pid,
      version: "1.1.0",
      ports: { proxy: Number(new URL(server.proxyUrl).port), admin: Number(port), https: null, dns: null },
    });
    expect(status.sessions).toBeGreaterThanOrEqual(1);
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

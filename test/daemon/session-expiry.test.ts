// Expiry on the local server, with its clock moved by the test: an isolated session written with
// a ttl routes until then, answers 410 (name, how to recreate) after, is removed from the sessions
// file by the sweep and still answers 410; writing it again brings it back. Sessions without a ttl
// are never touched.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TEST_TOKEN, putSession, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

const HOUR = 3_600_000;
let dir: string;
let server: LocalServer;
let app: Upstream;
let clock = Date.now();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-expiry-"));
  app = await startUpstream("web");
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN, now: () => clock });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = () => Object.keys((JSON.parse(readFileSync(join(dir, "sessions.json"), "utf8")) as { sessions: object }).sessions).sort();

describe("session expiry on the local server", () => {
  it("routes until the expiry, then answers 410; the sweep removes it; a new write brings it back", async () => {
    const rec = await putSession(server.adminUrl, "iso-ttl", { ...spec(app.url), ttl: "2h" });
    await putSession(server.adminUrl, "iso-forever", spec(app.url));
    expect(Date.parse(rec.expires_at!) - Date.parse(rec.updated_at)).toBe(2 * HOUR);
    clock = Date.parse(rec.updated_at) + HOUR;
    expect((await viaProxy(server.proxyUrl, "iso-ttl", "/a")).status).toBe(200);
    expect(await server.expireSessions()).toEqual([]);

    clock = Date.parse(rec.updated_at) + 3 * HOUR;
    const expired = await viaProxy(server.proxyUrl, "iso-ttl", "/b");
    expect(expired.status).toBe(410);
    expect(expired.body).toContain(`Linkup session "iso-ttl" expired at ${rec.expires_at}`);
    expect(expired.body).toContain("- Linkup local server");
    expect(app.seen.some((r) => r.url === "/b")).toBe(false);
    expect((await viaProxy(server.proxyUrl, "iso-forever", "/c")).status).toBe(200);

    expect(await server.expireSessions()).toEqual(["iso-ttl"]);
    expect(stored()).toEqual(["iso-forever"]);
    expect((await viaProxy(server.proxyUrl, "iso-ttl", "/d")).status).toBe(410);
    expect((await viaProxy(server.proxyUrl, "never-was", "/d")).status).toBe(422);

    await putSession(server.adminUrl, "iso-ttl", { ...spec(app.url), ttl: "2h" });
    clock = Date.now();
    expect((await viaProxy(server.proxyUrl, "iso-ttl", "/e")).status).toBe(200);
  });
});

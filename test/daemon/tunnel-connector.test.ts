// The local server's tunnel connector through its admin API (PUT/GET/DELETE /linkup/v1/tunnel and
// GET /linkup/v1/status), with test/support/fake-cloudflared.mjs as the cloudflared binary: the
// daemon starts it, reports it connected, restarts it when it dies, replaces it for a new token,
// stops it on DELETE and when the server closes, and answers a missing binary with one line.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { API_VERSION, VERSION_HEADER } from "../../src/core/api.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import type { TunnelConnectorStatus } from "../../src/core/local-api.js";
import { processExists as alive } from "../../src/machine/daemon.js";

const FAKE = fileURLToPath(new URL("../support/fake-cloudflared.mjs", import.meta.url));
const runToken = (tunnelId: string) => Buffer.from(JSON.stringify({ a: "acct", t: tunnelId, s: "c2VjcmV0" })).toString("base64");
const TOKEN = runToken("6ff42ae2-765d-4adf-8112-31c55c1551ef");
const OTHER_TOKEN = runToken("0b7c9a3e-1111-4c2d-9e8f-123456789abc");
const HOST = "linkup-tunnel-tiny-cow.tunnels.test";

const dirs: string[] = [];
const servers: LocalServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function server(env: Record<string, string | undefined>): Promise<{ s: LocalServer; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "linkup-connector-"));
  dirs.push(dir);
  const s = await startLocalServer({
    port: 0,
    adminPort: 0,
    stateDir: dir,
    cloudflared: { env: { ...process.env, ...env }, backoff: { initialMs: 500, maxMs: 1_000 } },
  });
  servers.push(s);
  return { s, dir };
}

async function admin(s: LocalServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.adminUrl}/linkup/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${s.adminToken}`, [VERSION_HEADER]: API_VERSION, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const tunnel = async (s: LocalServer): Promise<TunnelConnectorStatus> => (await admin(s, "GET", "/tunnel")).json;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  let last: T = await read();
  while (!ok(last)) {
    if (deadline.aborted) throw new Error(`${what}: not reached; last ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

describe("tunnel connector in the local server", () => {
  it("PUT starts cloudflared, status reports it connected; a killed cloudflared is restarted; DELETE stops it", async () => {
    const { s, dir } = await server({ LINKUP_CLOUDFLARED: FAKE, FAKE_CLOUDFLARED_DELAY_MS: "100" });
    expect((await admin(s, "GET", "/status")).json.tunnel).toMatchObject({ state: "stopped", hostname: null, pid: null, restarts: 0, last_error: null });

    const put = await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST, session: "tiny-cow" });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ session: "tiny-cow", hostname: HOST, restarts: 0, log_file: join(dir, "cloudflared-stderr") });
    expect(["starting", "connected"]).toContain(put.json.state);
    expect(JSON.stringify(put.json)).not.toContain(TOKEN);

    const up = await until(() => admin(s, "GET", "/status").then((r) => r.json.tunnel as TunnelConnectorStatus), (t) => t.state === "connected", "connected");
    const first = up.pid!;
    expect(first).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "cloudflared.pid"), "utf8").trim()).toBe(String(first));
    const log = readFileSync(join(dir, "cloudflared-stderr"), "utf8");
    expect(log).toMatch(/INF Registered tunnel connection connIndex=0/);
    expect(log).not.toContain(TOKEN);

    // Every apply asks again: the same tunnel keeps the same process.
    const again = await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST, session: "tiny-cow" });
    expect(again.json).toMatchObject({ state: "connected", pid: first });

    process.kill(first, "SIGKILL");
    const restarting = await until(() => tunnel(s), (t) => t.state === "restarting", "restarting");
    expect(restarting).toMatchObject({ pid: null, last_error: "cloudflared ended (signal SIGKILL)" });
    const back = await until(() => tunnel(s), (t) => t.state === "connected", "connected after restart");
    expect(back.restarts).toBe(1);
    expect(back.pid).not.toBe(first);
    expect(alive(first)).toBe(false);
    expect(readFileSync(join(dir, "cloudflared.pid"), "utf8").trim()).toBe(String(back.pid));

    const del = await admin(s, "DELETE", "/tunnel");
    expect(del.status).toBe(204);
    expect(await tunnel(s)).toMatchObject({ state: "stopped", pid: null, hostname: null });
    await until(async () => alive(back.pid!), (a) => !a, "cloudflared gone");
    expect(existsSync(join(dir, "cloudflared.pid"))).toBe(false);
    expect((await admin(s, "DELETE", "/tunnel")).status).toBe(204);
  });

  it("a different token replaces the running cloudflared; closing the local server ends it", async () => {
    const { s } = await server({ LINKUP_CLOUDFLARED: FAKE });
    await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST });
    const first = (await until(() => tunnel(s), (t) => t.state === "connected", "first connected")).pid!;

    const other = "linkup-tunnel-other.tunnels.test";
    expect((await admin(s, "PUT", "/tunnel", { run_token: OTHER_TOKEN, hostname: other, session: "other" })).status).toBe(200);
    const second = await until(() => tunnel(s), (t) => t.state === "connected", "second connected");
    expect(second).toMatchObject({ hostname: other, session: "other", restarts: 0 });
    expect(second.pid).not.toBe(first);
    expect(alive(first)).toBe(false);

    servers.splice(servers.indexOf(s), 1);
    await s.close();
    expect(alive(second.pid!)).toBe(false);
  });

  it("a missing binary answers 422 cloudflared-missing with the one-line install instruction", async () => {
    const empty = await mkdtemp(join(tmpdir(), "linkup-empty-path-"));
    dirs.push(empty);
    const { s } = await server({ LINKUP_CLOUDFLARED: undefined, PATH: empty });
    const r = await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("cloudflared-missing");
    expect(r.json.error.message).toMatch(/^cloudflared was not found on PATH; install it from https:\/\/developers\.cloudflare\.com\/\S+ \(macOS: `brew install cloudflared`\), or set LINKUP_CLOUDFLARED to its path$/);
    expect(await tunnel(s)).toMatchObject({ state: "stopped" });

    const bad = join(empty, "cloudflared");
    await mkdir(bad); // a directory is not an executable file
    const { s: s2 } = await server({ LINKUP_CLOUDFLARED: bad });
    const r2 = await admin(s2, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST });
    expect(r2.status).toBe(422);
    expect(r2.json.error.message).toMatch(/^LINKUP_CLOUDFLARED=\S+ is not an executable file; install it from /);
  });

  it("the tunnel endpoint has the admin API's checks and validates its body", async () => {
    const { s } = await server({ LINKUP_CLOUDFLARED: FAKE });
    expect((await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST }, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: HOST }, { origin: "http://evil.example" })).status).toBe(403);
    expect((await admin(s, "DELETE", "/tunnel", undefined, { origin: "http://evil.example" })).status).toBe(403);
    const noToken = await admin(s, "PUT", "/tunnel", { hostname: HOST });
    expect(noToken).toMatchObject({ status: 400, json: { error: { code: "invalid-tunnel" } } });
    const badHost = await admin(s, "PUT", "/tunnel", { run_token: TOKEN, hostname: "not a host" });
    expect(badHost).toMatchObject({ status: 400, json: { error: { code: "invalid-tunnel" } } });
    expect((await admin(s, "POST", "/tunnel", {})).status).toBe(405);
    expect(await tunnel(s)).toMatchObject({ state: "stopped", pid: null });
  });
});

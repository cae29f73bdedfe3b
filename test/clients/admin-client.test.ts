// The typed local admin client against a real local server over a socket: the session API part
// (shared with the worker client), /status, /tunnel (including a machine without cloudflared),
// the token read from the state directory, and isReachable.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, type LocalAdminApi } from "../../src/clients/admin-client.js";
import { isReachable } from "../../src/clients/reachable.js";
import { LINKUP_VERSION } from "../../src/core/api.js";
import { ConflictError, LinkupError, RemoteError } from "../../src/core/errors.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { spec } from "../daemon/proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let client: LocalAdminApi;
const scratch: string[] = [];
const scratchDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-admin-client-"));
  // No cloudflared anywhere: PATH is empty for the connector.
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, cloudflared: { env: { PATH: "" } } });
  client = adminClient({ stateDir: dir, adminPort: Number(new URL(server.adminUrl).port) });
});

afterAll(async () => {
  await server.close();
  for (const d of [dir, ...scratch]) rmSync(d, { recursive: true, force: true });
});

describe("local admin client", () => {
  it("uses the token the server wrote to the state directory", async () => {
    expect(await client.check()).toEqual({ ok: true, version: "1.1.0", linkup_version: LINKUP_VERSION });
    const stranger = adminClient({ stateDir: scratchDir("linkup-no-token-"), adminPort: Number(new URL(server.adminUrl).port) });
    await expect(stranger.list()).rejects.toBeInstanceOf(RemoteError);
  });

  it("speaks the session API: versions, a stale write as ConflictError, delete of a missing session as false", async () => {
    const body = { spec: spec("http://127.0.0.1:3000") };
    const created = await client.put("from-client", body);
    expect(created).toMatchObject({ created: true, record: { name: "from-client", version: 1 } });
    expect((await client.put("from-client", body, { ifMatch: 1 })).record.version).toBe(2);
    await expect(client.put("from-client", body, { ifMatch: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect((await client.get("from-client"))?.version).toBe(2);
    expect((await client.list()).map((r) => r.name)).toEqual(["from-client"]);
    expect(await client.delete("from-client", { ifMatch: 2 })).toBe(true);
    expect(await client.delete("from-client")).toBe(false);
    expect(await client.get("from-client")).toBeUndefined();
    expect(client.writes()).toBe(5);
    expect(client.startTunnel).toBeUndefined();
  });

  it("reads /status and /tunnel as typed answers", async () => {
    const status = await client.status();
    expect(status).toMatchObject({ pid: process.pid, version: "1.1.0", ports: { admin: Number(new URL(server.adminUrl).port) }, tunnel: { state: "stopped" } });
    expect(await client.tunnelStatus({ timeoutMs: 2_000 })).toEqual(status.tunnel);
    await client.disconnectTunnel();
  });

  it("turns a machine without cloudflared into cloudflared-missing with the install instruction", async () => {
    const err = await client.connectTunnel({ run_token: "rt", hostname: "linkup-tunnel-x.tunnels.test", session: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkupError);
    expect(err).toMatchObject({ code: "cloudflared-missing" });
    expect((err as Error).message).toMatch(/install it from/);
    expect((await client.tunnelStatus()).state).toBe("stopped");
  });

  it("refuses a bad tunnel body with the server's code", async () => {
    await expect(client.connectTunnel({ run_token: "", hostname: "x" })).rejects.toMatchObject({ code: "invalid-tunnel", status: 400 });
  });
});

describe("isReachable", () => {
  it("is true for any HTTP answer (even 401) and false where nothing listens", async () => {
    expect(await isReachable(server.adminUrl)).toBe(true);
    const closed = await startLocalServer({ stateDir: scratchDir("linkup-closed-"), port: 0, adminPort: 0 });
    const url = closed.adminUrl;
    await closed.close();
    expect(await isReachable(url, 2_000)).toBe(false);
  });
});

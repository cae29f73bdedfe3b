// WebSockets through the local proxy (what dev-server hot reload needs): a round trip with a ws
// server upstream, upgrade headers as the upstream sees them, and the answers when the upgrade
// cannot be routed or the upstream is down.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { DOMAIN, TEST_TOKEN, putSession, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let upstream: Upstream;
let wss: WebSocketServer;
let upgradeHeaders: Record<string, string | string[] | undefined> = {};
let downUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-ws-"));
  upstream = await startUpstream("ws-upstream");
  wss = new WebSocketServer({ server: upstream.server });
  wss.on("connection", (socket, req) => {
    upgradeHeaders = req.headers;
    socket.on("message", (data, isBinary) => socket.send(isBinary ? data : `echo ${data.toString()}`, { binary: isBinary }));
  });
  const gone = await startUpstream("gone");
  downUrl = gone.url;
  await gone.close();
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "live", spec(upstream.url));
  await putSession(server.adminUrl, "down", spec(downUrl));
});

afterAll(async () => {
  await server.close();
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(session: string, path = "/hmr"): WebSocket {
  const url = server.proxyUrl.replace(/^http/, "ws") + path;
  return new WebSocket(url, { headers: { host: `${session}.${DOMAIN}`, "linkup-destination": "web" } });
}

function unexpected(ws: WebSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    ws.on("open", () => reject(new Error("upgrade unexpectedly succeeded")));
    ws.on("error", () => {});
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
  });
}

describe("websocket", () => {
  it("relays text and binary messages both ways", async () => {
    const ws = open("live");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const reply = (send: () => void) =>
      new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => {
        ws.once("message", (data, isBinary) => resolve({ data: data as Buffer, isBinary }));
        send();
      });
    const text = await reply(() => ws.send("hello"));
    expect(text.data.toString()).toBe("echo hello");
    const binary = await reply(() => ws.send(Buffer.from([1, 2, 3]), { binary: true }));
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([1, 2, 3]);
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.close(4001);
    expect(await closed).toBe(4001);

    expect(upgradeHeaders["linkup-destination"]).toBeUndefined();
    expect(upgradeHeaders.tracestate).toBe("linkup-session=live");
    expect(upgradeHeaders["x-forwarded-host"]).toBe(`live.${DOMAIN}`);
  });

  it("refuses an upgrade for an unknown session with the core's 422 text", async () => {
    const ws = new WebSocket(server.proxyUrl.replace(/^http/, "ws") + "/", { headers: { host: "localhost" } });
    const res = await unexpected(ws);
    expect(res.status).toBe(422);
    expect(res.body).toContain("Linkup local server");
  });

  it("answers 502 when the upstream is down, and the proxy keeps serving", async () => {
    const res = await unexpected(open("down"));
    expect(res.status).toBe(502);
    expect(res.body).toContain('service "web"');
    const next = await viaProxy(server.proxyUrl, "live", "/after");
    expect(next.body).toBe("ws-upstream /after");
  });
});

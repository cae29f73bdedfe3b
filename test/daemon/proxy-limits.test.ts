// Upstreams that hang or are busy get an answer from the local proxy, not silence: a service that
// sends no headers within its headers timeout is answered 504 naming it; when every connection to
// an origin stays busy (long polls parked on it) longer than the service's connection wait, a new
// request is answered 503 naming the service and the limit, and the server logs it. Responses that
// have started, and WebSockets, are never cut. No timing assertions: a hanging request's 504 is
// what tells the streaming upstream the timeout has passed.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket, { WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { compileSession } from "../../src/core/route.js";
import { DOMAIN, TEST_TOKEN, putSession, sessionRecord, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

const CONNECTIONS = 4;
let dir: string;
let server: LocalServer;
let slow: Upstream;
let poll: Upstream;
let wss: WebSocketServer;
const logs: string[] = [];
const parked: http.ServerResponse[] = [];
let streamRest: (() => void) | undefined;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function withTimeouts(url: string, timeouts: { headers?: number; connection_wait?: number }) {
  const s = spec(url);
  s.services = s.services.map((svc) => ({ ...svc, timeouts }));
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-limits-"));
  slow = await startUpstream("slow", (req, res) => {
    if (req.url === "/hang") return void parked.push(res);
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      streamRest = () => res.end("data: last\n\n");
      return;
    }
    res.end(`slow ${req.url}`);
  });
  // Long polls: every /poll request is held until the test releases them all.
  poll = await startUpstream("poll", (req, res) => {
    if (req.url!.startsWith("/poll")) return void parked.push(res);
    res.end(`poll ${req.url}`);
  });
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo ${String(data)}`)));
  await new Promise<void>((r) => wss.once("listening", () => r()));

  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN, upstreamConnections: CONNECTIONS, log: (l) => logs.push(l) });
  await putSession(server.adminUrl, "slow", withTimeouts(slow.url, { headers: 0.5 }));
  await putSession(server.adminUrl, "busy", withTimeouts(poll.url, { connection_wait: 0.5 }));
  await putSession(server.adminUrl, "patient", withTimeouts(poll.url, { connection_wait: 60 }));
  await putSession(server.adminUrl, "ws", withTimeouts(`http://127.0.0.1:${(wss.address() as { port: number }).port}`, { headers: 0.5 }));
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  await server.close();
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await Promise.all([slow.close(), poll.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("defaults", () => {
  it("are long for headers (300 s) and a few seconds for a connection (5 s), 256 connections per origin", async () => {
    const compiled = compileSession(sessionRecord("defaults"), "local");
    expect(compiled.services.get("web")).toMatchObject({ headersTimeoutMs: 300_000, connectionWaitMs: 5_000 });
    const { UPSTREAM_LIMITS } = await import("../../src/core/defaults.js");
    expect(UPSTREAM_LIMITS.connectionsPerOrigin).toBe(256);
  });
});

describe("headers timeout on the local proxy", () => {
  it("answers 504 naming the service when the upstream accepts and never answers", async () => {
    const res = await viaProxy(server.proxyUrl, "slow", "/hang");
    expect(res.status).toBe(504);
    expect(res.body).toContain('Service "web"');
    expect(res.body).toContain("0.5 s");
    expect(res.body).toContain("Linkup local server");
  });

  it("never cuts a response that has started", async () => {
    const body = new Promise<string>((resolve, reject) => {
      const req = http.request(`${server.proxyUrl}/stream`, { headers: { host: `slow.${DOMAIN}` }, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve(text));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    expect((await viaProxy(server.proxyUrl, "slow", "/hang")).status).toBe(504);
    streamRest!();
    expect(await body).toBe("data: first\n\ndata: last\n\n");
  });

  it("answers a WebSocket handshake the upstream never completes with 504", async () => {
    const silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    try {
      await putSession(server.adminUrl, "silent", withTimeouts(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, { headers: 0.5 }));
      const socket = new WebSocket(`${server.proxyUrl.replace(/^http/, "ws")}/chat`, { headers: { host: `silent.${DOMAIN}` } });
      const status = await new Promise<number>((resolve, reject) => {
        socket.once("unexpected-response", (_req, res) => resolve(res.statusCode!));
        socket.once("open", () => reject(new Error("opened")));
        socket.once("error", reject);
      });
      expect(status).toBe(504);
      socket.terminate();
    } finally {
      silent.close();
    }
  });

  it("never times out an upgraded WebSocket", async () => {
    const socket = new WebSocket(`${server.proxyUrl.replace(/^http/, "ws")}/chat`, { headers: { host: `ws.${DOMAIN}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const echo = (text: string) =>
      new Promise<string>((resolve) => {
        socket.once("message", (data) => resolve(String(data)));
        socket.send(text);
      });
    expect(await echo("one")).toBe("echo one");
    expect((await viaProxy(server.proxyUrl, "slow", "/hang")).status).toBe(504);
    expect(await echo("two")).toBe("echo two");
    socket.close();
  });
});

describe("connection cap on the local proxy", () => {
  it("answers 503 naming the service and the limit when long polls hold every connection, logs it, and recovers", async () => {
    const polls = Array.from({ length: CONNECTIONS + 2 }, (_, i) => viaProxy(server.proxyUrl, "busy", `/poll/${i}`));
    // Every connection is taken once the upstream holds CONNECTIONS polls.
    await until(() => parked.filter((r) => r.req.url!.startsWith("/poll")).length >= CONNECTIONS);
    const refused = await viaProxy(server.proxyUrl, "busy", "/fresh");
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('Service "web"');
    expect(refused.body).toContain(`all ${CONNECTIONS} connections`);
    expect(refused.body).toContain("0.5 s");
    expect(logs.some((l) => l.includes("service web") && l.includes("answered 503"))).toBe(true);

    // The long polls that got a connection are answered normally once the upstream replies.
    for (const res of parked.filter((r) => r.req.url!.startsWith("/poll"))) res.end("polled");
    const answers = await Promise.all(polls);
    expect(answers.filter((a) => a.status === 200 && a.body === "polled")).toHaveLength(CONNECTIONS);
    expect(answers.filter((a) => a.status === 503)).toHaveLength(2);
    // Connections are free again.
    expect((await viaProxy(server.proxyUrl, "busy", "/fresh")).body).toBe("poll /fresh");
  });

  it("hands a freed connection to a waiting request (same origin, another session with a longer wait)", async () => {
    const before = parked.length;
    const polls = Array.from({ length: CONNECTIONS }, (_, i) => viaProxy(server.proxyUrl, "busy", `/poll/q${i}`));
    await until(() => parked.length >= before + CONNECTIONS);
    const queued = viaProxy(server.proxyUrl, "patient", "/queued");
    // Sent after it and refused after 0.5 s: by then the patient request is waiting in the queue.
    expect((await viaProxy(server.proxyUrl, "busy", "/refused")).status).toBe(503);
    parked[before]!.end("polled");
    expect((await queued).body).toBe("poll /queued");
    for (const res of parked.slice(before + 1)) res.end("polled");
    await Promise.all(polls);
  });
});

// WebSocket pass-through on the real bundle over real sockets: a ws echo server behind a session,
// a ws client in front. Text stays text, binary stays binary, close codes cross in both directions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startWsEcho, type WsUpstream } from "./upstream.js";

let w: WorkerHarness;
let echo: WsUpstream;

beforeAll(async () => {
  echo = await startWsEcho();
  w = await startWorkerHarness();
  const res = await w.api("PUT", "/sessions/ws-one", { body: { spec: specOf([{ name: "socket", route: "remote", remote: echo.url }]) } });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await w?.close();
  await echo?.close();
});

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${w.port}/live?room=1`, { headers: { host: "ws-one.example.com" } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
}

describe("WebSocket through the worker", () => {
  it("echoes text as text and binary as binary, with the session's tracing headers on the upgrade", async () => {
    const ws = await connect();
    const text = nextMessage(ws);
    ws.send("hello through linkup");
    expect(await text).toEqual({ data: Buffer.from("hello through linkup"), isBinary: false });
    const payload = randomBytes(70_000);
    const binary = nextMessage(ws);
    ws.send(payload, { binary: true });
    const got = await binary;
    expect(got.isBinary).toBe(true);
    expect(Buffer.compare(got.data, payload)).toBe(0);
    const done = closed(ws);
    ws.close(1000, "bye");
    await done;
    const upgrade = echo.upgrades.at(-1)!;
    expect(upgrade["tracestate"]).toBe("linkup-session=ws-one");
    expect(upgrade["x-forwarded-host"]).toBe("ws-one.example.com");
  });

  it("passes the upstream's close code and reason to the client", async () => {
    const ws = await connect();
    const done = closed(ws);
    ws.send("close:4001:upstream says bye");
    expect(await done).toEqual({ code: 4001, reason: "upstream says bye" });
  });

  it("passes the client's close code and reason to the upstream", async () => {
    const ws = await connect();
    const before = echo.closes.length;
    const upstreamClosed = new Promise<void>((resolve) => {
      const poll = () => (echo.closes.length > before ? resolve() : setTimeout(poll, 10));
      poll();
    });
    ws.close(4002, "client leaves");
    await upstreamClosed;
    expect(echo.closes.at(-1)).toEqual({ code: 4002, reason: "client leaves" });
  });

  it("recognises the Upgrade header in any case", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port: w.port,
        path: "/",
        headers: {
          host: "ws-one.example.com",
          upgrade: "WebSocket",
          connection: "Upgrade",
          "sec-websocket-key": randomBytes(16).toString("base64"),
          "sec-websocket-version": "13",
        },
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(101);
  });
});

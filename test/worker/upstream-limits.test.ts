// Upstreams that hang get an answer: through the worker, a service whose upstream accepts the
// request and never sends headers is answered 504 naming the service once its headers timeout
// (services[].timeouts.headers) is over; a response that has started streams on past that
// timeout, and so does an upgraded WebSocket. No timing assertions: the hanging request's 504 is
// what tells the streaming upstream that the timeout has passed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest, type ServerResponse } from "node:http";
import WebSocket from "ws";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, startWsEcho, type Upstream, type WsUpstream } from "./upstream.js";

let w: WorkerHarness;
let up: Upstream;
let ws: WsUpstream;
const parked: ServerResponse[] = [];
let streamRest: (() => void) | undefined;

beforeAll(async () => {
  up = await startUpstream((req, res) => {
    if (req.url === "/hang") {
      // Accepts, reads the request, never answers (until the test ends).
      parked.push(res);
      return;
    }
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      streamRest = () => res.end("data: last\n\n");
      return;
    }
    res.end("ok");
  });
  ws = await startWsEcho();
  w = await startWorkerHarness();
  const put = await w.api("PUT", "/sessions/slow-one", {
    body: { spec: specOf([{ name: "sleepy", route: "remote", remote: up.url, timeouts: { headers: 0.5 } }]) },
  });
  expect(put.status, put.text).toBe(201);
  const wsPut = await w.api("PUT", "/sessions/ws-one", {
    body: { spec: specOf([{ name: "chat", route: "remote", remote: ws.url.replace(/^ws/, "http"), timeouts: { headers: 0.5 } }]) },
  });
  expect(wsPut.status, wsPut.text).toBe(201);
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  await w?.close();
  await up?.close();
  await ws?.close();
});

describe("headers timeout in the worker", () => {
  it("answers 504 naming the service when the upstream sends no headers in time", async () => {
    const res = await w.send({ host: "slow-one.example.com", path: "/hang" });
    expect(res.status).toBe(504);
    expect(res.text).toContain('Service "sleepy"');
    expect(res.text).toContain("0.5 s");
    expect(res.text).toContain("timeouts.headers");
    expect(res.text).toContain("Linkup worker");
  });

  it("never cuts a response that has started, however long it streams", async () => {
    const body = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${w.url}/stream`, { headers: { host: "slow-one.example.com" }, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    // A request that hangs on the same service: its 504 proves the timeout has passed.
    const hang = await w.send({ host: "slow-one.example.com", path: "/hang" });
    expect(hang.status).toBe(504);
    expect(streamRest).toBeTypeOf("function");
    streamRest!();
    const done = await body;
    expect(done.status).toBe(200);
    expect(done.text).toBe("data: first\n\ndata: last\n\n");
  });

  it("never times out an upgraded WebSocket", async () => {
    const socket = new WebSocket(`${w.url.replace(/^http/, "ws")}/`, { headers: { host: "ws-one.example.com" } });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const echo = (text: string) =>
      new Promise<string>((resolve) => {
        socket.once("message", (data) => resolve(String(data)));
        socket.send(text);
      });
    expect(await echo("one")).toContain("one");
    const hang = await w.send({ host: "slow-one.example.com", path: "/hang" });
    expect(hang.status).toBe(504);
    expect(await echo("two")).toContain("two");
    socket.close();
  });
});

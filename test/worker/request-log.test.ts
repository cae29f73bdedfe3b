// The worker's request log on the real bundle under workerd: one structured JSON line per routed
// request (what `wrangler tail` and Workers Logs show), with the same record the local server
// keeps, the linkup-route answer header, REQUEST_LOG=off, and the browser's 422 page that names
// no session. Never a token, cookie or query string in a line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogLine } from "../../src/core/request-record.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

let w: WorkerHarness;
let quiet: WorkerHarness;
let web: Upstream;
let api: Upstream;
let tunnel: Upstream;

/** The request lines the worker has written since `from` (an index into its log). */
function lines(harness: WorkerHarness, from = 0): RequestLogLine[] {
  return harness
    .logs()
    .slice(from)
    .filter((l) => l.level === "log" && l.message.startsWith("{"))
    .map((l) => JSON.parse(l.message) as RequestLogLine)
    .filter((l) => l.linkup === "request");
}

/** Waits for `count` new request lines (workerd's output reaches Node a little after the answer). */
async function newLines(harness: WorkerHarness, from: number, count: number): Promise<RequestLogLine[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = lines(harness, from);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`expected ${count} request lines, got ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  web = await startUpstream((req, res) => {
    req.resume();
    res.setHeader("set-cookie", "sid=set-cookie-s3cret");
    res.end("web");
  });
  api = await startUpstream();
  tunnel = await startUpstream();
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: tunnel.url } });
  quiet = await startWorkerHarness({ vars: { REQUEST_LOG: "off" } });
  const spec = specOf(
    [
      { name: "web", route: "remote", remote: web.url },
      { name: "api", route: "local", local: "http://127.0.0.1:4002", remote: api.url },
    ],
    { routes: [{ path: "^/api/", service: "api" }] },
  );
  for (const h of [w, quiet]) expect((await h.api("PUT", "/sessions/smart-snake", { body: { spec } })).status).toBe(201);
  // The tunnel: the session's local services reach the stand-in local server.
  expect((await w.api("POST", "/sessions/smart-snake/tunnel")).status).toBe(200);
});

afterAll(async () => {
  await w?.close();
  await quiet?.close();
  await web?.close();
  await api?.close();
  await tunnel?.close();
});

describe("the worker's request log line", () => {
  it("is one JSON line per request with the routing decision", async () => {
    const from = w.logs().length;
    const res = await w.send({ host: "smart-snake.example.com", path: "/page?x=1" });
    expect(res.status).toBe(200);
    const [line] = await newLines(w, from, 1);
    expect(line).toMatchObject({
      linkup: "request",
      at: "worker",
      method: "GET",
      host: "smart-snake.example.com",
      path: "/page",
      session: "smart-snake",
      attribution: { source: "host", value: "smart-snake.example.com" },
      domain: "example.com",
      route: null,
      service: "web",
      location: "remote",
      target: web.origin,
      via_tunnel: false,
      status: 200,
      failure: null,
    });
    expect(Date.parse(line!.time)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("shows a local service going through the tunnel", async () => {
    const from = w.logs().length;
    await w.send({ host: "api.example.com", path: "/api/users", headers: { origin: "https://smart-snake.example.com" } });
    const [line] = await newLines(w, from, 1);
    expect(line).toMatchObject({ session: "smart-snake", attribution: { source: "origin" }, route: "^/api/", service: "api", location: "local", via_tunnel: true, target: tunnel.origin });
  });

  it("records failures: no session, unknown session, no target, upstream down", async () => {
    const from = w.logs().length;
    await w.send({ host: "nobody.example.com" });
    await w.send({ host: "api.example.com", headers: { tracestate: "linkup-session=ghost-cat" } });
    await w.send({ host: "smart-snake.other.org" });
    await tunnel.close();
    try {
      await w.send({ host: "smart-snake.example.com", path: "/api/down" });
    } finally {
      tunnel = await startUpstream();
      expect((await w.api("PUT", "/sessions/smart-snake", { body: { spec: specOf([{ name: "web", route: "remote", remote: web.url }]) } })).status).toBe(200);
    }
    const got = await newLines(w, from, 4);
    expect(got.map((l) => [l.failure?.kind, l.status])).toEqual([
      ["no-session", 422],
      ["unknown-session", 422],
      ["no-target", 404],
      ["upstream-failed", 502],
    ]);
    expect(got[0]!.tried).toEqual([{ source: "host", name: "nobody" }]);
  });

  it("never carries tokens, cookies or query strings", async () => {
    const from = w.logs().length;
    const headers = {
      authorization: "Bearer auth-s3cret",
      cookie: "sid=cookie-s3cret",
      referer: "https://smart-snake.example.com/p?token=referer-s3cret",
    };
    await w.send({ host: "smart-snake.example.com", path: "/x?token=query-s3cret", headers });
    await w.send({ host: "api.example.com", path: "/y?token=query-s3cret", headers });
    await w.send({ host: "other.example.org", path: "/z?token=query-s3cret", headers: { cookie: headers.cookie } });
    await newLines(w, from, 3);
    const text = w
      .logs()
      .slice(from)
      .map((l) => l.message)
      .join("\n");
    for (const secret of ["auth-s3cret", "cookie-s3cret", "referer-s3cret", "query-s3cret", "set-cookie-s3cret", w.token]) expect(text, secret).not.toContain(secret);
  });

  it("answers with linkup-route: session, service, location", async () => {
    const res = await w.send({ host: "smart-snake.example.com", path: "/" });
    expect(res.headers["linkup-route"]).toBe('session="smart-snake", service="web", location=remote');
  });

  it("is off with REQUEST_LOG=off", async () => {
    const from = quiet.logs().length;
    expect((await quiet.send({ host: "smart-snake.example.com", path: "/" })).status).toBe(200);
    // A line the worker writes after the request (the cron's summary) proves its output was read up to there.
    await quiet.runScheduled(Date.now());
    const deadline = Date.now() + 20_000;
    while (!quiet.logs().slice(from).some((l) => l.message.startsWith("linkup cron:"))) {
      if (Date.now() > deadline) throw new Error("the cron's log line never arrived");
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(lines(quiet, from)).toEqual([]);
  });
});

describe("the worker's 422 page", () => {
  it("gives a browser a short explanation and how to find sessions, naming no session", async () => {
    const res = await w.send({ host: "nobody.example.com", headers: { accept: "text/html,application/xhtml+xml" } });
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.text).toContain("<!doctype html>");
    expect(res.text).toContain("linkup sessions list");
    expect(res.text).toContain("linkup explain");
    expect(res.text).not.toContain("smart-snake");
    expect(res.text).not.toContain("nobody");
  });

  it("keeps the plain text for other clients", async () => {
    const res = await w.send({ host: "nobody.example.com" });
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
  });
});

// The plain-HTTP forwarding path (undici) over real sockets: raw response headers (duplicate
// Set-Cookie, name casing), request headers undici would refuse, HEAD, Expect: 100-continue, and the
// failure cases: a client that leaves mid-response (the upstream request is cancelled), an upstream
// that resets before or during the body (502, or a destroyed client connection), with the proxy
// serving normally afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { DOMAIN, TEST_TOKEN, putSession, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let upstream: Upstream;
/** Resolves when the upstream's response to /hang closes: `finished` says whether it completed. */
let hangClosed: Promise<{ finished: boolean }>;
let onHangClosed: (v: { finished: boolean }) => void = () => {};
/** Bytes the upstream has handed to its socket for /flood so far. */
let floodWritten = 0;
const FLOOD_SIZE = 64 * 1024 * 1024;
const FLOOD_CHUNK = Buffer.alloc(64 * 1024, 7);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-forward-"));
  upstream = await startUpstream("fwd", (req, res) => {
    switch (req.url) {
      case "/cookies":
        res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; HttpOnly"]);
        res.setHeader("X-Upstream-Thing", "kept");
        res.end("cookies");
        return;
      case "/echo": {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => res.end(`${req.method} ${Buffer.concat(chunks).toString("utf8")}`));
        return;
      }
      case "/hang":
        // Headers and a first chunk, then nothing: only a client abort ends this exchange.
        res.on("close", () => onHangClosed({ finished: res.writableFinished }));
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first chunk\n");
        return;
      case "/flood": {
        // As fast as the proxy accepts it: the client's pace must reach back to this loop.
        floodWritten = 0;
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(FLOOD_SIZE) });
        const pump = () => {
          while (floodWritten < FLOOD_SIZE) {
            floodWritten += FLOOD_CHUNK.length;
            if (!res.write(FLOOD_CHUNK)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case "/reset-before":
        req.socket.destroy();
        return;
      case "/reset-mid":
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "100000" });
        res.write(Buffer.alloc(1000, 1), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      default:
        req.resume();
        res.setHeader("content-type", "text/plain");
        res.setHeader("content-length", "5");
        res.end("hello");
    }
  });
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "fwd", spec(upstream.url));
});

afterAll(async () => {
  await server.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request to the proxy for the `fwd` session that hands back the live response. */
function open(
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): { req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  const u = new URL(server.proxyUrl);
  const req = http.request({ host: u.hostname, port: u.port, path, method, headers: { host: `fwd.${DOMAIN}`, ...headers }, agent: false });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on("response", resolve);
    req.on("error", reject);
  });
  return { req, response };
}

async function stillServing(): Promise<void> {
  const res = await viaProxy(server.proxyUrl, "fwd", "/ok");
  expect(res.status).toBe(200);
  expect(res.body).toBe("hello");
}

describe("response headers", () => {
  it("keeps each Set-Cookie as its own header, and the upstream's header names as sent", async () => {
    const { req, response } = open("/cookies");
    req.end();
    const res = await response;
    res.resume();
    expect(res.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    const names = res.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names.filter((n) => n === "Set-Cookie")).toHaveLength(2);
    expect(names).toContain("X-Upstream-Thing");
    // The core's response rules still apply on top of the raw headers.
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("passes a slow client's pace back to the upstream instead of buffering the body", async () => {
    const { req, response } = open("/flood");
    req.end();
    const res = await response;
    res.pause();
    await new Promise((r) => setTimeout(r, 300));
    // With the client not reading, only socket buffers fill: the upstream is held back long before the end.
    expect(floodWritten).toBeLessThan(FLOOD_SIZE / 2);
    let received = 0;
    res.on("data", (c: Buffer) => (received += c.length));
    await new Promise<void>((resolve, reject) => {
      res.on("end", resolve);
      res.on("error", reject);
      res.resume();
    });
    expect(received).toBe(FLOOD_SIZE);
  });

  it("answers HEAD with the upstream's headers and no body", async () => {
    const res = await viaProxy(server.proxyUrl, "fwd", "/ok", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe("5");
    expect(res.body).toBe("");
  });
});

describe("request headers", () => {
  it("strips hop-by-hop headers undici would refuse and still forwards the request", async () => {
    const res = await viaProxy(server.proxyUrl, "fwd", "/echo", {
      method: "POST",
      body: "payload",
      headers: { connection: "keep-alive, x-hop", "keep-alive": "timeout=5", te: "trailers", "proxy-connection": "keep-alive", "x-hop": "1" },
    });
    expect(res.body).toBe("POST payload");
    const seen = upstream.seen.at(-1)!.headers;
    for (const name of ["keep-alive", "te", "proxy-connection", "x-hop"]) expect(seen[name]).toBeUndefined();
  });

  it("handles Expect: 100-continue (node answers the 100; the upstream gets the body without Expect)", async () => {
    const { req, response } = open("/echo", { expect: "100-continue", "content-type": "text/plain", "content-length": "4" }, "POST");
    req.on("continue", () => req.end("body"));
    req.flushHeaders();
    const res = await response;
    let text = "";
    for await (const chunk of res) text += chunk;
    expect(text).toBe("POST body");
    expect(upstream.seen.at(-1)!.headers.expect).toBeUndefined();
  });
});

describe("failures", () => {
  it("cancels the upstream request when the client leaves mid-response", async () => {
    hangClosed = new Promise((resolve) => (onHangClosed = resolve));
    const { req, response } = open("/hang");
    req.end();
    const res = await response;
    await new Promise<void>((resolve) => res.once("data", () => resolve()));
    req.destroy();
    // The proxy destroys its upstream request (socket) instead of leaving it open or pooled.
    expect(await hangClosed).toEqual({ finished: false });
    await stillServing();
  });

  it("answers 502 when the upstream resets the connection before answering", async () => {
    const res = await viaProxy(server.proxyUrl, "fwd", "/reset-before");
    expect(res.status).toBe(502);
    expect(res.body).toContain(`${upstream.url}/reset-before: connection reset`);
    await stillServing();
  });

  it("destroys the client connection when the upstream resets mid-body", async () => {
    const { req, response } = open("/reset-mid");
    req.end();
    const res = await response;
    expect(res.statusCode).toBe(200);
    let received = 0;
    const outcome = await new Promise<string>((resolve) => {
      res.on("data", (c: Buffer) => (received += c.length));
      res.on("end", () => resolve("end"));
      res.on("error", () => resolve("error"));
      res.on("aborted", () => resolve("aborted"));
    });
    // Never a complete-looking response: the client sees the connection cut short.
    expect(outcome).not.toBe("end");
    expect(received).toBeLessThan(100000);
    await stillServing();
  });
});

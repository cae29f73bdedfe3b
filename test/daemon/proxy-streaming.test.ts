// Bodies stream through the proxy in both directions: 10 MiB up (the upstream hashes what it
// receives) and 10 MiB down (generated chunk by chunk), compared byte for byte by hash.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { DOMAIN, TEST_TOKEN, putSession, spec, startUpstream, type Upstream } from "./proxy-fixtures.js";

const SIZE = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;
// Deterministic download content: chunk i is filled with byte i % 256.
function chunkAt(i: number): Buffer {
  return Buffer.alloc(CHUNK, i % 256);
}

let dir: string;
let server: LocalServer;
let upstream: Upstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-stream-"));
  upstream = await startUpstream("stream", (req, res) => {
    if (req.url === "/upload") {
      const hash = createHash("sha256");
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      req.on("end", () => res.end(JSON.stringify({ size, sha256: hash.digest("hex") })));
      return;
    }
    // Download: written with backpressure, no content-length (chunked), like a streaming app.
    res.writeHead(200, { "content-type": "application/octet-stream" });
    let i = 0;
    const pump = () => {
      while (i < SIZE / CHUNK) if (!res.write(chunkAt(i++))) return void res.once("drain", pump);
      res.end();
    };
    pump();
  });
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "big", spec(upstream.url));
});

afterAll(async () => {
  await server.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(path: string, method: string, body?: Buffer): Promise<{ status: number; size: number; sha256: string; text: string }> {
  const u = new URL(server.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path, method, headers: { host: `big.${DOMAIN}` }, agent: false, signal: AbortSignal.timeout(30_000) },
      (res) => {
        const hash = createHash("sha256");
        let size = 0;
        let text = "";
        res.on("data", (c: Buffer) => {
          size += c.length;
          hash.update(c);
          if (text.length < 1000) text += c.toString("utf8");
        });
        res.on("end", () => resolve({ status: res.statusCode!, size, sha256: hash.digest("hex"), text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (!body) return void req.end();
    // Streamed in chunks with backpressure, no content-length: the proxy must not need the whole body.
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const ok = req.write(body.subarray(offset, offset + CHUNK));
        offset += CHUNK;
        if (!ok) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("streaming", () => {
  it("streams a 10 MiB request body to the upstream intact", async () => {
    const body = randomBytes(SIZE);
    const res = await call("/upload", "POST", body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ size: SIZE, sha256: createHash("sha256").update(body).digest("hex") });
  });

  it("streams a 10 MiB response body to the client intact", async () => {
    const expected = createHash("sha256");
    for (let i = 0; i < SIZE / CHUNK; i++) expected.update(chunkAt(i));
    const res = await call("/download", "GET");
    expect(res.status).toBe(200);
    expect(res.size).toBe(SIZE);
    expect(res.sha256).toBe(expected.digest("hex"));
  });
});

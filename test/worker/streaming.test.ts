// 10 MiB bodies through the worker in both directions over real sockets. Each side sends its
// first megabyte and then waits until the other end has received bytes before sending the rest:
// if anything on the path buffered the whole body, the transfer would never finish (the test
// would time out), so completion proves streaming without any timing assertion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

const MiB = 1024 * 1024;
const TOTAL = 10 * MiB;

/** A deterministic, incompressible-enough 1 MiB block. */
const block = Buffer.alloc(MiB);
for (let i = 0; i < MiB; i++) block[i] = (i * 7919 + (i >> 8)) & 0xff;
const expectedHash = (() => {
  const h = createHash("sha256");
  for (let i = 0; i < TOTAL / MiB; i++) h.update(block);
  return h.digest("hex");
})();

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

let w: WorkerHarness;
let up: Upstream;
let uploadStarted = deferred();
let downloadStarted = deferred();

beforeAll(async () => {
  up = await startUpstream((req, res) => {
    if (req.url === "/upload") {
      const h = createHash("sha256");
      let received = 0;
      req.on("data", (c: Buffer) => {
        received += c.length;
        h.update(c);
        uploadStarted.resolve();
      });
      req.on("end", () => res.end(JSON.stringify({ received, sha256: h.digest("hex") })));
      return;
    }
    if (req.url === "/download") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(block);
      void downloadStarted.promise.then(() => {
        for (let i = 1; i < TOTAL / MiB; i++) res.write(block);
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  w = await startWorkerHarness();
  const put = await w.api("PUT", "/sessions/big-body", { body: { spec: specOf([{ name: "files", route: "remote", remote: up.url }]) } });
  expect(put.status).toBe(201);
});
afterAll(async () => {
  await w?.close();
  await up?.close();
});

describe("streamed bodies", () => {
  it("uploads 10 MiB, the upstream starting to receive before the client has sent it all", async () => {
    uploadStarted = deferred();
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port: w.port, method: "POST", path: "/upload", headers: { host: "big-body.example.com", "content-type": "application/octet-stream", "transfer-encoding": "chunked" } },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve(body));
        },
      );
      req.on("error", reject);
      req.write(block);
      void uploadStarted.promise.then(() => {
        for (let i = 1; i < TOTAL / MiB; i++) req.write(block);
        req.end();
      });
    });
    expect(JSON.parse(answer)).toEqual({ received: TOTAL, sha256: expectedHash });
  });

  it("downloads 10 MiB, the client receiving bytes before the upstream has sent it all", async () => {
    downloadStarted = deferred();
    const result = await new Promise<{ status: number; received: number; sha256: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: w.port, path: "/download", headers: { host: "big-body.example.com" } }, (res) => {
        const h = createHash("sha256");
        let received = 0;
        res.on("data", (c: Buffer) => {
          received += c.length;
          h.update(c);
          downloadStarted.resolve();
        });
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, received, sha256: h.digest("hex") }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(result).toEqual({ status: 200, received: TOTAL, sha256: expectedHash });
  });
});

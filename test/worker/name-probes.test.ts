// Scanning for session names is slowed per client address: past the limit of requests naming no
// session, the client gets 429 for a minute on every request (a found name looks like a missing
// one), other clients are unaffected, and the block is logged. Both counters run on the real
// bundle: the in-memory one (embedded default) and the Workers rate-limiting binding (Miniflare's
// implementation of what a deployed worker gets).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((_req, res) => res.end("ok"));
});
afterAll(async () => {
  await upstream?.close();
});

async function withSite(w: WorkerHarness): Promise<void> {
  const res = await w.api("PUT", "/sessions/real-site", { body: { spec: specOf([{ name: "web", route: "remote", remote: upstream.url }], { type: "preview" }) } });
  expect(res.status).toBe(201);
}

const from = (w: WorkerHarness, ip: string, name: string) => w.send({ host: `${name}.example.com`, headers: { "cf-connecting-ip": ip } });

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the in-memory limit (embedded default)", () => {
  let w: WorkerHarness;
  beforeAll(async () => {
    w = await startWorkerHarness({ vars: { NAME_PROBE_LIMIT: "5" } });
    await withSite(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("answers 422 up to the limit, then 429 for every request from that address, and logs the block", async () => {
    for (let i = 0; i < 5; i++) expect((await from(w, "203.0.113.7", `guess-${i}`)).status).toBe(422);
    const limited = await from(w, "203.0.113.7", "guess-5");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    // A name that exists answers the same while blocked: the scanner learns nothing.
    expect((await from(w, "203.0.113.7", "real-site")).status).toBe(429);
    // Others are not affected.
    expect((await from(w, "203.0.113.8", "real-site")).status).toBe(200);
    expect((await from(w, "203.0.113.8", "guess-0")).status).toBe(422);
    const logged = () => w.logs().map((l) => l.message).join("\n");
    await waitFor(() => logged().includes("client 203.0.113.7 blocked"));
    expect(logged()).not.toContain("203.0.113.8 blocked");
  });
});

describe("the Workers rate-limiting binding (deployed)", () => {
  let w: WorkerHarness;
  beforeAll(async () => {
    w = await startWorkerHarness({ ratelimits: { NAME_PROBE_LIMITER: { simple: { limit: 3, period: 60 as never } } } });
    await withSite(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("counts misses through the binding", async () => {
    for (let i = 0; i < 3; i++) expect((await from(w, "192.0.2.10", `guess-${i}`)).status).toBe(422);
    expect((await from(w, "192.0.2.10", "guess-3")).status).toBe(429);
    expect((await from(w, "192.0.2.10", "real-site")).status).toBe(429);
    expect((await from(w, "192.0.2.11", "real-site")).status).toBe(200);
  });
});

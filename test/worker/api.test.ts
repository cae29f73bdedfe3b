// The session API as the worker mounts it, on the real bundle under Miniflare (workerd): the shared
// contract suite (src/api/contract.ts, also run against the local server), then what only the
// worker does: tunnel start (direct provider), the proxy outside /linkup/v1 with no auth, and an
// API closed when WORKER_TOKEN is not set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionApiContract } from "../../src/api/contract.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf } from "./upstream.js";

const TUNNEL = "http://127.0.0.1:8792";
let w: WorkerHarness;
beforeAll(async () => {
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: TUNNEL } });
});
afterAll(async () => {
  await w?.close();
});

sessionApiContract("worker (workerd)", () => ({ url: w.url, token: w.token }));

const spec = specOf([{ name: "web", route: "remote", remote: "https://web.example.net" }]);

describe("POST /sessions/:name/tunnel (worker only)", () => {
  it("404 for an unknown session, 400 for a preview session or an invalid name, 405 for another method", async () => {
    expect((await w.api("POST", "/sessions/tun-nobody/tunnel")).status).toBe(404);
    await w.api("PUT", "/sessions/tun-preview", { body: { spec: { ...spec, type: "preview" } } });
    const res = await w.api("POST", "/sessions/tun-preview/tunnel");
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("preview-has-no-tunnel");
    expect((await w.api("POST", "/sessions/Not_A_Label/tunnel")).json.error.code).toBe("invalid-session-name");
    const get = await w.api("GET", "/sessions/tun-preview/tunnel");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("starts the tunnel, stores tunnel_url on the session (version+1) and is idempotent", async () => {
    await w.api("PUT", "/sessions/tun-one", { body: { spec: specOf([{ name: "web", route: "local", local: "http://localhost:3000" }]) } });
    const res = await w.api("POST", "/sessions/tun-one/tunnel");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ tunnel_url: TUNNEL, hostname: "127.0.0.1:8792", run_token: null, tunnel_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const got = await w.api("GET", "/sessions/tun-one");
    expect(got.json).toMatchObject({ tunnel_url: TUNNEL, version: 2 });
    expect(got.headers.get("etag")).toBe('"2"');
    // The secret is the tunnel's: asking again hands out the same one; it never appears in the session record.
    const again = await w.api("POST", "/sessions/tun-one/tunnel");
    expect(again.status).toBe(200);
    expect(again.json.tunnel_secret).toBe(res.json.tunnel_secret);
    expect(got.text).not.toContain(res.json.tunnel_secret);
    expect((await w.api("GET", "/sessions/tun-one")).json.version).toBe(2);
    const record = JSON.parse((await (await w.kv("LINKUP_TUNNELS")).get("tun-one", "text"))!);
    expect(record).toMatchObject({ session: "tun-one", provider: "direct", tunnel_url: TUNNEL, signing_secret: res.json.tunnel_secret });
  });

  it("needs the token like every API path", async () => {
    expect((await w.api("POST", "/sessions/tun-one/tunnel", { headers: { authorization: null } })).status).toBe(401);
  });
});

describe("outside /linkup/v1 (worker only)", () => {
  it("is the proxy, without auth", async () => {
    // Here: no session, so the proxy's 422.
    const proxied = await w.send({ host: "nobody.example.com", path: "/linkup/other" });
    expect(proxied.status).toBe(422);
  });
});

describe("a worker without WORKER_TOKEN", () => {
  let closed: WorkerHarness;
  beforeAll(async () => {
    closed = await startWorkerHarness({ token: "" });
  });
  afterAll(async () => {
    await closed?.close();
  });

  it("closes its API with 500 worker-token-missing, whatever the request sends", async () => {
    for (const authorization of [null, "Bearer ", "Bearer anything"]) {
      const res = await closed.api("GET", "/sessions", { headers: { authorization } });
      expect(res.status).toBe(500);
      expect(res.json.error.code).toBe("worker-token-missing");
      expect(res.json.error.message).toContain("wrangler secret put WORKER_TOKEN");
    }
  });
});

// The scheduled handler on the real bundle with the clock as an input: tunnels started 6 days
// ago are kept, 8 days ago removed (KV record gone, the session's tunnel_url cleared so its local
// services answer "no tunnel"); preview sessions are not touched by the tunnel cleanup (this one
// never expires; expiry has its own test, expiry.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

const DAY = 24 * 60 * 60 * 1000;
let w: WorkerHarness;
let tunnel: Upstream;

beforeAll(async () => {
  tunnel = await startUpstream();
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: tunnel.url } });
});
afterAll(async () => {
  await w?.close();
  await tunnel?.close();
});

const localSpec = specOf([{ name: "web", route: "local", local: "http://localhost:3000" }]);
const previewSpec = { ...specOf([{ name: "web", route: "remote", remote: "https://web.example.net" }], { type: "preview" }), ttl: "none" };

describe("scheduled tunnel cleanup", () => {
  it("keeps a tunnel started 6 days ago and removes it at 8 days, leaving preview sessions alone", async () => {
    expect((await w.api("PUT", "/sessions/cron-dev", { body: { spec: localSpec } })).status).toBe(201);
    expect((await w.api("PUT", "/sessions/cron-preview", { body: { spec: previewSpec } })).status).toBe(201);
    expect((await w.api("POST", "/sessions/cron-dev/tunnel")).status).toBe(200);
    const tunnels = await w.kv("LINKUP_TUNNELS");
    const started = JSON.parse((await tunnels.get("cron-dev", "text"))!).last_started as number;
    const previewBefore = (await w.api("GET", "/sessions/cron-preview")).json;
    expect((await w.send({ host: "cron-dev.example.com" })).status).toBe(200);

    await w.runScheduled(started + 6 * DAY);
    expect(await tunnels.get("cron-dev", "text")).not.toBeNull();
    expect((await w.api("GET", "/sessions/cron-dev")).json.tunnel_url).toBe(tunnel.url);

    await w.runScheduled(started + 8 * DAY);
    expect(await tunnels.get("cron-dev", "text")).toBeNull();
    const dev = (await w.api("GET", "/sessions/cron-dev")).json;
    expect(dev).toMatchObject({ tunnel_url: null, version: 3 });
    const res = await w.send({ host: "cron-dev.example.com" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("no tunnel");

    expect((await w.api("GET", "/sessions/cron-preview")).json).toEqual(previewBefore);
  });

  it("uses the scheduled time, not the wall clock, for records written with any last_started", async () => {
    const tunnels = await w.kv("LINKUP_TUNNELS");
    const t0 = Date.UTC(2024, 0, 1);
    const record = { session: "cron-old", provider: "direct", tunnel_id: "direct-cron-old", hostname: "x", tunnel_url: "http://127.0.0.1:1", dns_record_id: null, created: t0, last_started: t0 };
    await tunnels.put("cron-old", JSON.stringify(record));
    await w.runScheduled(t0 + 6 * DAY);
    expect(await tunnels.get("cron-old", "text")).not.toBeNull();
    await w.runScheduled(t0 + 8 * DAY);
    expect(await tunnels.get("cron-old", "text")).toBeNull();
  });
});

// Sessions that expire, on the real worker bundle under workerd (Miniflare). The cron is run with
// a simulated clock (controller.scheduledTime): a preview (7 days by default) is kept at 6 days and
// removed at 8, after which a request for it answers 410 with its name and how to recreate it; a
// write renews; sessions without a ttl are never touched; a stored session already past its
// expires_at answers 410 before the cron has run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

const DAY = 24 * 60 * 60 * 1000;
let w: WorkerHarness;
let app: Upstream;

beforeAll(async () => {
  app = await startUpstream();
  w = await startWorkerHarness();
});
afterAll(async () => {
  await w?.close();
  await app?.close();
});

const preview = () => specOf([{ name: "web", route: "remote", remote: app.url }], { type: "preview" });

describe("session expiry on the worker", () => {
  it("a preview gets expires_at 7 days after its write; a ttl shortens it; tunneled sessions get none", async () => {
    const before = Date.now();
    const p = await w.api("PUT", "/sessions/exp-default", { body: { spec: preview() } });
    expect(p.status).toBe(201);
    const expires = Date.parse(p.json.expires_at);
    expect(expires - Date.parse(p.json.updated_at)).toBe(7 * DAY);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY);
    const short = await w.api("PUT", "/sessions/exp-short", { body: { spec: { ...preview(), ttl: "72h" } } });
    expect(short.json.spec.ttl).toBe("3d");
    expect(Date.parse(short.json.expires_at) - Date.parse(short.json.updated_at)).toBe(3 * DAY);
    const tunneled = await w.api("PUT", "/sessions/exp-never", { body: { spec: specOf([{ name: "web", route: "remote", remote: app.url }]) } });
    expect(tunneled.json.expires_at).toBeNull();
    const bad = await w.api("PUT", "/sessions/exp-bad", { body: { spec: { ...preview(), ttl: "soon" } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("spec.ttl");
  });

  it("the scheduled handler removes a preview after its expiry (simulated clock), and the session then answers 410", async () => {
    const created = (await w.api("GET", "/sessions/exp-default")).json;
    const t0 = Date.parse(created.updated_at);
    expect((await w.send({ host: "exp-default.example.com" })).status).toBe(200);

    await w.runScheduled(t0 + 6 * DAY);
    expect((await w.api("GET", "/sessions/exp-default")).status).toBe(200);
    // The 3-day preview is gone at 6 days; the one without a ttl stays.
    expect((await w.api("GET", "/sessions/exp-short")).status).toBe(404);
    expect((await w.api("GET", "/sessions/exp-never")).status).toBe(200);

    await w.runScheduled(t0 + 8 * DAY);
    expect((await w.api("GET", "/sessions/exp-default")).status).toBe(404);
    expect((await w.api("GET", "/sessions")).json.sessions.map((s: { name: string }) => s.name)).toEqual(["exp-never"]);
    const res = await w.send({ host: "exp-default.example.com" });
    expect(res.status).toBe(410);
    expect(res.text).toContain(`Linkup session "exp-default" expired at ${created.expires_at}`);
    expect(res.text).toContain("linkup sessions create-preview exp-default");
    expect(res.headers["cache-control"]).toBe("no-store");
    // A name that never existed is still 422.
    expect((await w.send({ host: "never-was.example.com" })).status).toBe(422);
  });

  it("writing the session again brings it back (and renews it)", async () => {
    const again = await w.api("PUT", "/sessions/exp-default", { body: { spec: preview() } });
    expect(again.status).toBe(201);
    expect((await w.send({ host: "exp-default.example.com" })).status).toBe(200);
    const renewed = await w.api("PUT", "/sessions/exp-default", { body: { spec: preview() }, headers: { "if-match": `"${again.json.version}"` } });
    expect(Date.parse(renewed.json.expires_at)).toBeGreaterThanOrEqual(Date.parse(again.json.expires_at));
    expect(renewed.json.version).toBe(again.json.version + 1);
  });

  it("a stored session already past its expiry answers 410 before the cron runs", async () => {
    const kv = await w.kv("LINKUP_SESSIONS");
    const stale = (await w.api("PUT", "/sessions/exp-stale", { body: { spec: preview() } })).json;
    const past = new Date(Date.now() - 60_000).toISOString();
    // Written straight to KV (as the record would look a week on), through the same key layout.
    await kv.put("session:exp-stale", JSON.stringify({ ...stale, version: stale.version + 1, expires_at: past }));
    const res = await w.send({ host: "exp-stale.example.com", path: "/x" });
    expect(res.status).toBe(410);
    expect(res.text).toContain(`"exp-stale" expired at ${past}`);
    expect(app.seen.some((r) => r.url === "/x")).toBe(false);
    // The cron (any time from now) removes it and the answer stays 410.
    await w.runScheduled(Date.now());
    expect((await w.api("GET", "/sessions/exp-stale")).status).toBe(404);
    expect((await w.send({ host: "exp-stale.example.com" })).status).toBe(410);
  });
});

// The shared app's host hooks, with the memory store and no socket (the contract suite covers the
// HTTP behaviour on both real hosts): what a write reports, the clock, tunnel start failures, a
// store without atomic update, the host's extra endpoints and the error hook.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { API_PREFIX, API_VERSION } from "../core/api.js";
import { ConfigError } from "../core/errors.js";
import type { SessionRecord } from "../core/session.js";
import { memoryStore } from "../store/memory-store.js";
import type { SessionStore } from "../store/session-store.js";
import { jsonAnswer } from "./api-error.js";
import { sessionApi, type SessionApiOptions } from "./session-api.js";

const TOKEN = "unit-token";
const spec = {
  type: "tunneled",
  services: [{ name: "web", route: "local", local: "http://localhost:3000", rewrites: [] }],
  domains: [{ domain: "example.com", default_service: "web", routes: [] }],
  cache_routes: [],
};

function appWith(overrides: Partial<SessionApiOptions<any>> = {}, store: SessionStore = memoryStore()) {
  const writes: [string, SessionRecord | null][] = [];
  const api = sessionApi({
    label: "unit host",
    auth: () => ({ token: TOKEN, realm: "unit", tokenHint: "<t>", wrongToken: "wrong token" }),
    store: () => store,
    onWrite: (_c, name, record) => void writes.push([name, record]),
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...overrides,
  });
  const app = new Hono().route(API_PREFIX, api);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(API_PREFIX + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "x-linkup-version": API_VERSION, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  return { call, writes, store };
}

describe("sessionApi hooks", () => {
  it("reports each write to onWrite (the record, or null after a delete) and stamps times with `now`", async () => {
    const { call, writes } = appWith();
    const created = await call("PUT", "/sessions/hooked", { spec });
    expect(created.json).toMatchObject({ created_at: "2026-01-02T03:04:05.000Z", updated_at: "2026-01-02T03:04:05.000Z" });
    expect(await call("DELETE", "/sessions/hooked")).toMatchObject({ status: 204 });
    expect(writes).toEqual([
      ["hooked", created.json],
      ["hooked", null],
    ]);
    // Refused writes report nothing.
    await call("PUT", "/sessions/hooked", { spec: { type: "nope" } });
    await call("DELETE", "/sessions/hooked");
    expect(writes).toHaveLength(2);
  });

  it("writes through get + put on a store without update (Workers KV), with the same answers", async () => {
    const inner = memoryStore();
    const plain: SessionStore = { get: inner.get, list: inner.list, put: inner.put, delete: inner.delete };
    const { call } = appWith({}, plain);
    expect((await call("PUT", "/sessions/plain", { spec })).status).toBe(201);
    expect((await call("PUT", "/sessions/plain", { spec })).json.version).toBe(2);
    expect((await call("DELETE", "/sessions/plain")).status).toBe(204);
    expect(await inner.list()).toEqual([]);
  });

  it("stores the tunnel URL once (version+1) and reports it as a write", async () => {
    const starts: [string, number][] = [];
    const { call, writes } = appWith({
      startTunnel: async (_c, name, now) => {
        starts.push([name, now]);
        return { tunnel_url: "https://t.example.com", hostname: "t.example.com", run_token: "rt", tunnel_secret: "s".repeat(43) };
      },
    });
    await call("PUT", "/sessions/tun", { spec });
    expect((await call("POST", "/sessions/tun/tunnel")).json).toEqual({ tunnel_url: "https://t.example.com", hostname: "t.example.com", run_token: "rt", tunnel_secret: "s".repeat(43) });
    expect((await call("POST", "/sessions/tun/tunnel")).status).toBe(200);
    expect(starts).toEqual([
      ["tun", Date.UTC(2026, 0, 2, 3, 4, 5)],
      ["tun", Date.UTC(2026, 0, 2, 3, 4, 5)],
    ]);
    expect(writes.map(([, r]) => r && [r.version, r.tunnel_url])).toEqual([
      [1, null],
      [2, "https://t.example.com"],
    ]);
  });

  it("does not bring back a session deleted while its tunnel was starting", async () => {
    const store = memoryStore();
    const { call } = appWith(
      {
        startTunnel: async (_c, name) => {
          await store.delete(name);
          return { tunnel_url: "https://t.example.com", hostname: "t.example.com", run_token: null, tunnel_secret: "s".repeat(43) };
        },
      },
      store,
    );
    await call("PUT", "/sessions/racing", { spec });
    expect((await call("POST", "/sessions/racing/tunnel")).status).toBe(200);
    expect(await store.get("racing")).toBeUndefined();
  });

  it("answers a tunnel provider's failure: 500 when misconfigured on the host, 502 when its API fails", async () => {
    for (const [error, status, code] of [
      [new ConfigError("tunnel-config-missing", "needs CLOUDFLARE_API_TOKEN"), 500, "tunnel-config-missing"],
      [new Error("Cloudflare said no"), 502, "tunnel-failed"],
    ] as const) {
      const { call } = appWith({ startTunnel: async () => Promise.reject(error) });
      await call("PUT", "/sessions/tun-fail", { spec });
      const res = await call("POST", "/sessions/tun-fail/tunnel");
      expect(res.status).toBe(status);
      expect(res.json.error).toEqual({ code, message: `could not start the tunnel of session tun-fail: ${error.message}` });
    }
  });

  it("serves the host's endpoints behind the same auth, with 405 for their other methods", async () => {
    const { call } = appWith({ endpoints: [{ path: "/extra", methods: { GET: () => jsonAnswer({ extra: true }) } }] });
    expect((await call("GET", "/extra")).json).toEqual({ extra: true });
    const wrong = await call("DELETE", "/extra");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });

  it("turns an unexpected failure into 500 internal and calls onError", async () => {
    const failures: unknown[] = [];
    const broken: SessionStore = { ...memoryStore(), list: () => Promise.reject(new Error("disk on fire")) };
    const { call } = appWith({ onError: (e) => void failures.push(e) }, broken);
    const res = await call("GET", "/sessions");
    expect(res.status).toBe(500);
    expect(res.json.error).toEqual({ code: "internal", message: "the unit host failed: disk on fire" });
    expect(failures.map((e) => (e as Error).message)).toEqual(["disk on fire"]);
  });
});

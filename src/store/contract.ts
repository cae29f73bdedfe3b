// The one test suite every SessionStore implementation passes (memory, Workers KV under
// Miniflare, the local server's file store), so the embedded default cannot drift from
// production. Call it from a vitest file: sessionStoreContract("kv", async () => freshStore).
import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../core/session.js";
import type { SessionStore } from "./session-store.js";
import { updateSession } from "./update-session.js";

export interface StoreContractOptions {
  /** How many records the "many records" case writes (KV lists in pages of 1,000: use more to cross one). */
  manyCount?: number;
  /** Time allowed for that case (stores reached over a socket, like Miniflare's KV, are slow per call). */
  manyTimeoutMs?: number;
  /** The backend offers an atomic `update` (the file and memory stores; KV cannot). */
  atomicUpdate?: boolean;
}

/** A valid record for the tests; `overrides` replace top-level fields. */
export function sampleRecord(name: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    name,
    spec: {
      type: "tunneled",
      services: [
        { name: "api", route: "remote", remote: "https://api.example.net", rewrites: [{ source: "^/api/", target: "/" }] },
        { name: "web", route: "local", local: "http://localhost:3000", remote: "https://web.example.net", rewrites: [] },
      ],
      domains: [{ domain: "example.com", default_service: "web", routes: [{ path: "^/api/", service: "api" }] }],
      cache_routes: ["^/static/"],
    },
    version: 1,
    spec_hash: "0123456789abcdef",
    managed_by: "config-1",
    tunnel_url: null,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/**
 * Registers the contract cases. `makeStore` must return an EMPTY store each time it is called
 * (a fresh instance, or the shared one cleared).
 */
export function sessionStoreContract(name: string, makeStore: () => SessionStore | Promise<SessionStore>, options: StoreContractOptions = {}): void {
  const manyCount = options.manyCount ?? 30;

  describe(`SessionStore contract: ${name}`, () => {
    it("starts empty and answers undefined for a missing session", async () => {
      const store = await makeStore();
      expect(await store.list()).toEqual([]);
      expect(await store.get("missing")).toBeUndefined();
    });

    it("returns what was put, field for field", async () => {
      const store = await makeStore();
      const record = sampleRecord("round-trip", { tunnel_url: "https://t.example.com", managed_by: null });
      await store.put(record);
      expect(await store.get("round-trip")).toEqual(record);
    });

    it("keeps expires_at and the spec's ttl, an expiry already past included (the cron removes those, not the store)", async () => {
      const store = await makeStore();
      const base = sampleRecord("expiring");
      const future = { ...base, spec: { ...base.spec, type: "preview" as const, ttl: "3d" }, expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString() };
      const past = { ...sampleRecord("expired"), expires_at: "2026-01-02T00:00:00.000Z" };
      await store.put(future);
      await store.put(past);
      expect(await store.get("expiring")).toEqual(future);
      expect(await store.get("expired")).toEqual(past);
      expect((await store.list()).map((r) => r.name)).toEqual(["expired", "expiring"]);
    });

    it("keeps unicode and large values intact", async () => {
      const store = await makeStore();
      const record = sampleRecord("unicode", { managed_by: "équipe-🚀-" + "x".repeat(20_000) });
      await store.put(record);
      expect(await store.get("unicode")).toEqual(record);
    });

    it("replaces a record on put", async () => {
      const store = await makeStore();
      await store.put(sampleRecord("replace-me"));
      const next = sampleRecord("replace-me", { version: 2, spec_hash: "fedcba9876543210", updated_at: "2026-02-01T00:00:00.000Z" });
      await store.put(next);
      expect(await store.get("replace-me")).toEqual(next);
      expect((await store.list()).map((r) => r.name)).toEqual(["replace-me"]);
    });

    it("lists every record sorted by name", async () => {
      const store = await makeStore();
      for (const n of ["charlie", "alpha", "bravo-2", "bravo"]) await store.put(sampleRecord(n));
      const list = await store.list();
      expect(list.map((r) => r.name)).toEqual(["alpha", "bravo", "bravo-2", "charlie"]);
      expect(list[0]).toEqual(sampleRecord("alpha"));
    });

    it("deletes a record, and deleting a missing one is not an error", async () => {
      const store = await makeStore();
      await store.put(sampleRecord("keep"));
      await store.put(sampleRecord("drop"));
      await store.delete("drop");
      await store.delete("never-existed");
      expect(await store.get("drop")).toBeUndefined();
      expect((await store.list()).map((r) => r.name)).toEqual(["keep"]);
    });

    it("hands out copies: changing a returned record does not change the store", async () => {
      const store = await makeStore();
      const record = sampleRecord("copy");
      await store.put(record);
      record.version = 99;
      const got = (await store.get("copy"))!;
      expect(got.version).toBe(1);
      got.spec.services.pop();
      (await store.list())[0]!.managed_by = "someone";
      expect(await store.get("copy")).toEqual(sampleRecord("copy"));
    });

    it("updateSession writes, deletes or leaves one record as the callback decides", async () => {
      const store = await makeStore();
      const seen = await updateSession(store, "upd", (current) => ({ next: sampleRecord("upd"), result: current }));
      expect(seen).toBeUndefined();
      expect(await store.get("upd")).toEqual(sampleRecord("upd"));
      const version = await updateSession(store, "upd", (current) => ({ next: undefined, result: current?.version }));
      expect(version).toBe(1);
      expect(await store.get("upd")).toEqual(sampleRecord("upd"));
      await updateSession(store, "upd", (current) => ({ next: sampleRecord("upd", { version: current!.version + 1 }), result: undefined }));
      expect((await store.get("upd"))!.version).toBe(2);
      await updateSession(store, "upd", () => ({ next: null, result: undefined }));
      await updateSession(store, "never-there", () => ({ next: null, result: undefined }));
      expect(await store.list()).toEqual([]);
    });

    if (options.atomicUpdate)
      it("update is atomic: concurrent read-increment-writes lose nothing", async () => {
        const store = await makeStore();
        expect(store.update).toBeTypeOf("function");
        const bump = () =>
          store.update!("counter", (current) => ({ next: sampleRecord("counter", { version: (current?.version ?? 0) + 1 }), result: undefined }));
        await Promise.all(Array.from({ length: 12 }, bump));
        expect((await store.get("counter"))!.version).toBe(12);
      });

    it(`lists many records (${manyCount})`, async () => {
      const store = await makeStore();
      const names = Array.from({ length: manyCount }, (_, i) => `many-${String(i).padStart(5, "0")}`);
      for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => store.put(sampleRecord(n))));
      expect((await store.list()).map((r) => r.name)).toEqual(names);
    }, options.manyTimeoutMs);
  });
}

// Unit tests of the in-isolate session cache with an injected clock and a counting loader:
// one load per name per TTL (hits, misses), concurrent misses loading each for itself (workerd
// cancels a request awaiting another request's pending I/O), LRU bound, invalidation.
import { describe, expect, it } from "vitest";
import { sampleRecord } from "../store/contract.js";
import type { SessionRecord } from "../core/session.js";
import { createSessionCache, SESSION_CACHE_MAX_ENTRIES, SESSION_CACHE_TTL_MS } from "./session-cache.js";

function counting(records: Record<string, SessionRecord>) {
  const loads: string[] = [];
  const load = async (name: string) => {
    loads.push(name);
    return records[name];
  };
  return { loads, load };
}

describe("session cache", () => {
  it("documents its bounds: 1,000 entries, 5 s", () => {
    expect(SESSION_CACHE_MAX_ENTRIES).toBe(1000);
    expect(SESSION_CACHE_TTL_MS).toBe(5000);
  });

  it("loads a name once per TTL, compiled for the edge, and again after it expires", async () => {
    let now = 1000;
    const cache = createSessionCache({ ttlMs: 5000, now: () => now });
    const { loads, load } = counting({ one: sampleRecord("one") });
    const first = await cache.get("one", load);
    expect(first?.name).toBe("one");
    expect(first?.mode).toBe("edge");
    now += 4999;
    expect(await cache.get("one", load)).toBe(first);
    expect(loads).toEqual(["one"]);
    now += 1;
    await cache.get("one", load);
    expect(loads).toEqual(["one", "one"]);
  });

  it("caches misses too", async () => {
    const cache = createSessionCache({ now: () => 0 });
    const { loads, load } = counting({});
    expect(await cache.get("ghost", load)).toBeUndefined();
    expect(await cache.get("ghost", load)).toBeUndefined();
    expect(loads).toEqual(["ghost"]);
  });

  it("never hands one request's pending load to another: concurrent misses each load, the first result is cached", async () => {
    const cache = createSessionCache({ now: () => 0 });
    const gates: (() => void)[] = [];
    const loads: string[] = [];
    const gated = (name: string) =>
      new Promise<SessionRecord>((resolve) => {
        const version = loads.push(name);
        gates.push(() => resolve(sampleRecord(name, { version })));
      });
    const a = cache.get("one", gated);
    const b = cache.get("one", gated);
    // Each miss started its own load (a shared pending promise hangs the second request in workerd).
    expect(loads).toEqual(["one", "one"]);
    gates[1]!();
    expect((await b)?.record.version).toBe(2);
    gates[0]!();
    expect((await a)?.record.version).toBe(1);
    // Both finished under the same generation: the cache holds a value, and the next lookup loads nothing.
    const hit = await cache.get("one", gated);
    expect(loads).toHaveLength(2);
    expect(hit?.name).toBe("one");
  });

  it("forgets a name on invalidate, so the next lookup reads the store", async () => {
    const records: Record<string, SessionRecord> = {};
    const cache = createSessionCache({ now: () => 0 });
    const { loads, load } = counting(records);
    expect(await cache.get("late", load)).toBeUndefined();
    records.late = sampleRecord("late");
    expect(await cache.get("late", load)).toBeUndefined(); // still the cached miss
    cache.invalidate("late");
    expect((await cache.get("late", load))?.name).toBe("late");
    expect(loads).toEqual(["late", "late"]);
  });

  it("an invalidation during a load is not undone by that load finishing", async () => {
    const cache = createSessionCache({ now: () => 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async (name: string) => {
      await gate;
      return sampleRecord(name, { version: 1 });
    };
    const pending = cache.get("racy", slow);
    cache.invalidate("racy");
    release();
    await pending;
    const fresh = await cache.get("racy", async (name) => sampleRecord(name, { version: 2 }));
    expect(fresh?.record.version).toBe(2);
  });

  it("evicts the least recently used name beyond its size", async () => {
    const cache = createSessionCache({ maxEntries: 2, now: () => 0 });
    const { loads, load } = counting({ a: sampleRecord("a"), b: sampleRecord("b"), c: sampleRecord("c") });
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("a", load); // a is now the most recent
    await cache.get("c", load); // evicts b
    expect(cache.size).toBe(2);
    await cache.get("a", load);
    await cache.get("b", load);
    expect(loads).toEqual(["a", "b", "c", "b"]);
  });

  it("does not cache a failed load", async () => {
    const cache = createSessionCache({ now: () => 0 });
    let fail = true;
    const load = async (name: string) => {
      if (fail) throw new Error("KV unavailable");
      return sampleRecord(name);
    };
    await expect(cache.get("flaky", load)).rejects.toThrow("KV unavailable");
    fail = false;
    expect((await cache.get("flaky", load))?.name).toBe("flaky");
  });
});

// The isolate cache's own rules with an injected clock: values shared, pending loads not, an
// invalidation during a load not undone by it, a failed load not cached (also while another load
// for the key runs), a load that outlived the TTL replaced.
import { describe, expect, it } from "vitest";
import { createIsolateCache } from "./isolate-cache.js";

function gatedLoads() {
  const started: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = () => new Promise<string>((resolve, reject) => started.push({ resolve, reject }));
  return { started, load };
}

describe("isolate cache", () => {
  it("a failed load leaves the cache empty, and another load running for the key still fills it", async () => {
    const cache = createIsolateCache<string>({ maxEntries: 10, ttlMs: 1000, now: () => 0 });
    const { started, load } = gatedLoads();
    const a = cache.get("k", load);
    const b = cache.get("k", load);
    started[0]!.reject(new Error("KV unavailable"));
    await expect(a).rejects.toThrow("KV unavailable");
    started[1]!.resolve("value");
    expect(await b).toBe("value");
    expect(await cache.get("k", () => Promise.reject(new Error("not called")))).toBe("value");
  });

  it("an invalidation while loads run keeps their results out", async () => {
    const cache = createIsolateCache<string>({ maxEntries: 10, ttlMs: 1000, now: () => 0 });
    const { started, load } = gatedLoads();
    const old = cache.get("k", load);
    cache.invalidate("k");
    started[0]!.resolve("old");
    expect(await old).toBe("old");
    expect(cache.size).toBe(0);
    expect(await cache.get("k", async () => "new")).toBe("new");
  });

  it("expires values after the TTL and replaces a load that outlived it", async () => {
    let now = 0;
    const cache = createIsolateCache<string>({ maxEntries: 10, ttlMs: 1000, now: () => now });
    expect(await cache.get("k", async () => "v1")).toBe("v1");
    now = 999;
    expect(await cache.get("k", async () => "unused")).toBe("v1");
    now = 2000;
    const { started, load } = gatedLoads();
    const stuck = cache.get("k", load); // never finishes within the TTL
    now = 3500;
    expect(await cache.get("k", async () => "v2")).toBe("v2");
    started[0]!.resolve("late");
    expect(await stuck).toBe("late");
    // The late load belonged to a replaced generation: the newer value stays.
    expect(await cache.get("k", async () => "unused")).toBe("v2");
  });

  it("keeps at most maxEntries keys, the least recently used leaving first", async () => {
    const cache = createIsolateCache<string>({ maxEntries: 2, ttlMs: 1000, now: () => 0 });
    await cache.get("a", async () => "a");
    await cache.get("b", async () => "b");
    await cache.get("a", async () => "unused");
    await cache.get("c", async () => "c");
    expect(cache.size).toBe(2);
    expect(await cache.get("a", async () => "reloaded")).toBe("a");
    expect(await cache.get("b", async () => "reloaded")).toBe("reloaded");
  });
});

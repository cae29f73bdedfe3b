// The SessionStore contract suite against the memory store and the KV store on Miniflare's real
// KV (the LINKUP_SESSIONS namespace of the worker harness), 1,010 records to cross a KV list page.
import { afterAll, beforeAll } from "vitest";
import { kvStore, type KvNamespaceLike } from "../../src/store/kv-store.js";
import { memoryStore } from "../../src/store/memory-store.js";
import { sessionStoreContract } from "../../src/store/contract.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";

let w: WorkerHarness;
beforeAll(async () => {
  w = await startWorkerHarness();
});
afterAll(async () => {
  await w?.close();
});

sessionStoreContract("memory", () => memoryStore(), { atomicUpdate: true });

sessionStoreContract(
  "kv (Miniflare)",
  async () => {
    const kv = (await w.kv("LINKUP_SESSIONS")) as unknown as KvNamespaceLike;
    const store = kvStore(kv);
    // Empty the namespace so each case starts from nothing.
    for (const r of await store.list()) await store.delete(r.name);
    return store;
  },
  { manyCount: 1010, manyTimeoutMs: 180_000 },
);

// An isolate-wide cache for the proxy hot path (compiled sessions, tunnel signers): LRU-bounded,
// each entry kept for a TTL so a write made in another isolate is seen within that time, and
// invalidate() for writes made in this one.
//
// Values are shared between requests; pending loads are not. workerd ties every I/O to the request
// that started it, and a request that awaits I/O another request started can be left waiting for
// ever, which workerd ends by cancelling it with a 500 ("your Worker's code had hung"). A cache
// that handed the first miss's pending KV read to every request missing at the same time did that
// under load whenever an entry expired (bench/suites/worker-routing.mjs found it: a few 500s per
// round). So each request that misses loads for itself; the first load to finish fills the cache,
// and the cost is at most one KV read per request in flight when an entry expires.
export interface IsolateCacheOptions {
  maxEntries: number;
  ttlMs: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

export interface IsolateCache<T> {
  /** The cached value, or what `load` returns (then cached); a failed load is not cached. */
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets one key; a load already running for it will not store its (older) result. */
  invalidate(key: string): void;
  readonly size: number;
}

interface Entry<T> {
  expires: number;
  /** Identity of this key's generation: loads store only while the entry still carries theirs. */
  generation: object;
  loaded: boolean;
  value: T | undefined;
}

export function createIsolateCache<T>(options: IsolateCacheOptions): IsolateCache<T> {
  const { maxEntries, ttlMs } = options;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the LRU one.
  const entries = new Map<string, Entry<T>>();

  function put(key: string, entry: Entry<T>): void {
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  return {
    get(key, load) {
      const t = now();
      let entry = entries.get(key);
      if (entry?.loaded && entry.expires > t) {
        put(key, entry);
        return Promise.resolve(entry.value as T);
      }
      // A miss, an expired value, or a load still running (for another request, whose promise
      // this one must not await): load here, under the running load's generation when there is one.
      if (!entry || entry.loaded || entry.expires <= t) {
        entry = { expires: t + ttlMs, generation: {}, loaded: false, value: undefined };
        put(key, entry);
      }
      const generation = entry.generation;
      // A failed load stores nothing: the next request loads again (a pending entry blocks no one).
      return load().then((value) => {
        if (entries.get(key)?.generation === generation) put(key, { expires: now() + ttlMs, generation, loaded: true, value });
        return value;
      });
    },
    invalidate(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}

// In-isolate cache of compiled sessions for the proxy hot path. Without it every proxied request
// would cost a KV read (and a regex compilation) per session candidate. Bounds:
//   - at most SESSION_CACHE_MAX_ENTRIES names (least recently used evicted first), so a flood of
//     random host labels cannot grow the isolate's memory;
//   - each entry lives SESSION_CACHE_TTL_MS, so a write made in another isolate (or by another
//     worker instance) is seen within that time.
// Misses are cached too (negative entries), and concurrent lookups of one name share a single
// load, so a name costs at most one KV read per TTL per isolate. API writes in this isolate call
// invalidate(), so the writer's own next request sees the change at once.
import { WORKER_SESSION_CACHE_MS } from "../core/defaults.js";
import { compileSession, type CompiledSession } from "../core/route.js";
import type { SessionRecord } from "../core/session.js";

export const SESSION_CACHE_MAX_ENTRIES = 1000;
export const SESSION_CACHE_TTL_MS = WORKER_SESSION_CACHE_MS;

export type SessionLoader = (name: string) => Promise<SessionRecord | undefined>;

export interface SessionCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

export interface SessionCache {
  /** The compiled session, or undefined when it does not exist; loads through `load` on a miss. */
  get(name: string, load: SessionLoader): Promise<CompiledSession | undefined>;
  /** Forgets one name (after a write through the API). */
  invalidate(name: string): void;
  readonly size: number;
}

interface Entry {
  expires: number;
  value: Promise<CompiledSession | undefined>;
}

export function createSessionCache(options: SessionCacheOptions = {}): SessionCache {
  const maxEntries = options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES;
  const ttlMs = options.ttlMs ?? SESSION_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the LRU one.
  const entries = new Map<string, Entry>();

  return {
    get(name, load) {
      const t = now();
      const hit = entries.get(name);
      if (hit && hit.expires > t) {
        entries.delete(name);
        entries.set(name, hit);
        return hit.value;
      }
      if (hit) entries.delete(name);
      const entry: Entry = {
        expires: t + ttlMs,
        value: load(name).then((record) => (record ? compileSession(record, "edge") : undefined)),
      };
      // A failed load (KV error, unreadable record) is not cached: the next request retries.
      entry.value.catch(() => {
        if (entries.get(name) === entry) entries.delete(name);
      });
      entries.set(name, entry);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return entry.value;
    },
    invalidate(name) {
      entries.delete(name);
    },
    get size() {
      return entries.size;
    },
  };
}

/** The cache shared by every request this isolate serves. */
export const isolateSessionCache: SessionCache = createSessionCache();

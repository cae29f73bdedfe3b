// In-isolate cache of compiled sessions for the proxy hot path. Without it every proxied request
// would cost a KV read (and a regex compilation) per session candidate. Bounds:
//   - at most SESSION_CACHE_MAX_ENTRIES names (least recently used evicted first), so a flood of
//     random host labels cannot grow the isolate's memory;
//   - each entry lives SESSION_CACHE_TTL_MS, so a write made in another isolate (or by another
//     worker instance) is seen within that time.
// Misses are cached too (negative entries), so a name costs one KV read per TTL per isolate (one
// per request in flight when it expires: pending loads are not shared, see isolate-cache.ts). API
// writes in this isolate call invalidate(), so the writer's own next request sees the change at once.
import { WORKER_SESSION_CACHE_MS } from "../core/defaults.js";
import { compileSession, type CompiledSession } from "../core/route.js";
import type { SessionRecord } from "../core/session.js";
import { createIsolateCache } from "./isolate-cache.js";

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

export function createSessionCache(options: SessionCacheOptions = {}): SessionCache {
  const cache = createIsolateCache<CompiledSession | undefined>({
    maxEntries: options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES,
    ttlMs: options.ttlMs ?? SESSION_CACHE_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    get: (name, load) => cache.get(name, () => load(name).then((record) => (record ? compileSession(record, "edge") : undefined))),
    invalidate: (name) => cache.invalidate(name),
    get size() {
      return cache.size;
    },
  };
}

/** The cache shared by every request this isolate serves. */
export const isolateSessionCache: SessionCache = createSessionCache();

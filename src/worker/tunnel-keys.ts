// In-isolate cache of tunnel signers for the proxy hot path: a request into a tunnel needs the
// tunnel's signing secret (LINKUP_TUNNELS), and a KV read plus a key import per request would be
// wasted work. Same bounds as the session cache (LRU, SESSION_CACHE_TTL_MS, isolate-cache.ts);
// tunnel starts in this isolate invalidate at once. The secret itself stays inside the signer: nothing here returns it.
import { tunnelSigner, type TunnelSigner } from "../core/tunnel-signature.js";
import { createIsolateCache } from "./isolate-cache.js";
import { SESSION_CACHE_MAX_ENTRIES, SESSION_CACHE_TTL_MS } from "./session-cache.js";
import type { TunnelRecord } from "./tunnels/tunnel-provider.js";

export type TunnelLoader = (session: string) => Promise<TunnelRecord | undefined>;

export interface TunnelKeys {
  /** The signer for the session's tunnel, or undefined when the session has no tunnel (or one without a secret). */
  get(session: string, load: TunnelLoader): Promise<TunnelSigner | undefined>;
  invalidate(session: string): void;
}

export function createTunnelKeys(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): TunnelKeys {
  const cache = createIsolateCache<TunnelSigner | undefined>({
    maxEntries: options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES,
    ttlMs: options.ttlMs ?? SESSION_CACHE_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    get: (session, load) => cache.get(session, () => load(session).then((record) => (record?.signing_secret ? tunnelSigner(record.signing_secret) : undefined))),
    invalidate: (session) => cache.invalidate(session),
  };
}

export const isolateTunnelKeys: TunnelKeys = createTunnelKeys();

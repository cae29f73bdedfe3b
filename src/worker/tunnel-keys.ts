// In-isolate cache of tunnel signers for the proxy hot path: a request into a tunnel needs the
// tunnel's signing secret (LINKUP_TUNNELS), and a KV read plus a key import per request would be
// wasted work. Same bounds as the session cache (LRU, SESSION_CACHE_TTL_MS); tunnel starts in this
// isolate invalidate at once. The secret itself stays inside the signer: nothing here returns it.
import { tunnelSigner, type TunnelSigner } from "../core/tunnel-signature.js";
import { SESSION_CACHE_MAX_ENTRIES, SESSION_CACHE_TTL_MS } from "./session-cache.js";
import type { TunnelRecord } from "./tunnels/tunnel-provider.js";

export type TunnelLoader = (session: string) => Promise<TunnelRecord | undefined>;

export interface TunnelKeys {
  /** The signer for the session's tunnel, or undefined when the session has no tunnel (or one without a secret). */
  get(session: string, load: TunnelLoader): Promise<TunnelSigner | undefined>;
  invalidate(session: string): void;
}

interface Entry {
  expires: number;
  value: Promise<TunnelSigner | undefined>;
}

export function createTunnelKeys(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): TunnelKeys {
  const ttlMs = options.ttlMs ?? SESSION_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  return {
    get(session, load) {
      const t = now();
      const hit = entries.get(session);
      if (hit && hit.expires > t) {
        entries.delete(session);
        entries.set(session, hit);
        return hit.value;
      }
      if (hit) entries.delete(session);
      const entry: Entry = {
        expires: t + ttlMs,
        value: load(session).then((record) => (record?.signing_secret ? tunnelSigner(record.signing_secret) : undefined)),
      };
      entry.value.catch(() => {
        if (entries.get(session) === entry) entries.delete(session);
      });
      entries.set(session, entry);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return entry.value;
    },
    invalidate(session) {
      entries.delete(session);
    },
  };
}

export const isolateTunnelKeys: TunnelKeys = createTunnelKeys();

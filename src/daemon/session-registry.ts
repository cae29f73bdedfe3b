// The local server's sessions in memory, compiled for routing (core compileSession, mode "local").
// The proxy looks sessions up here synchronously on every request; a record is compiled again only
// when it changes, so requests never pay for regex compilation. Sessions removed because they
// expired are remembered (name -> when, in memory, for 30 days) so requests for them answer 410.
import { compileSession, type CompiledSession } from "../core/route.js";
import type { SessionRecord } from "../core/session.js";

export interface SessionRegistry {
  get(name: string): CompiledSession | undefined;
  readonly size: number;
  /** Every domain any session declares (lowercase, deduplicated): what TLS signs for. */
  domains(): string[];
  /** `<session>.<domain>` for every session and each of its domains: what local DNS answers for. */
  hosts(): string[];
  /** Adds or replaces one session (after an admin API write). */
  apply(record: SessionRecord): void;
  remove(name: string): void;
  /** Makes the registry equal to `records` (after reading the store file). */
  replaceAll(records: readonly SessionRecord[]): void;
  /** Remembers that `name` was removed because it expired at `expiredAt` (ISO). */
  markExpired(name: string, expiredAt: string): void;
  /** When the removed session `name` expired, if it is remembered as expired. */
  expiredAt(name: string): string | undefined;
}

/** Removed sessions remembered as expired: at most this many, for at most this long. */
const TOMBSTONE_MAX = 1000;
const TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Same version alone is not enough: a session deleted and created again starts over at version 1
 * with a different spec. The hash and timestamp tell those apart.
 */
function unchanged(a: SessionRecord, b: SessionRecord): boolean {
  return a.version === b.version && a.spec_hash === b.spec_hash && a.updated_at === b.updated_at;
}

export function createSessionRegistry(
  options: { onCompileError?: (name: string, error: unknown) => void; now?: () => number } = {},
): SessionRegistry {
  const sessions = new Map<string, CompiledSession>();
  const now = options.now ?? Date.now;
  const tombstones = new Map<string, string>();
  let domainCache: string[] | undefined;
  let hostCache: string[] | undefined;
  const changed = () => {
    domainCache = undefined;
    hostCache = undefined;
  };

  function upsert(record: SessionRecord): void {
    tombstones.delete(record.name);
    const existing = sessions.get(record.name);
    if (existing && unchanged(existing.record, record)) return;
    try {
      sessions.set(record.name, compileSession(record, "local"));
    } catch (error) {
      // Only a hand-edited state file gets here (the API validates every spec): keep serving the rest.
      options.onCompileError?.(record.name, error);
      return;
    }
    changed();
  }

  return {
    get: (name) => sessions.get(name),
    get size() {
      return sessions.size;
    },
    domains() {
      if (!domainCache) {
        const all = new Set<string>();
        for (const s of sessions.values()) for (const d of s.domains) all.add(d.domain);
        domainCache = [...all].sort();
      }
      return domainCache;
    },
    hosts() {
      if (!hostCache) {
        const all = new Set<string>();
        for (const s of sessions.values()) for (const d of s.domains) all.add(`${s.name}.${d.domain}`);
        hostCache = [...all].sort();
      }
      return hostCache;
    },
    apply: upsert,
    remove(name) {
      if (sessions.delete(name)) changed();
    },
    replaceAll(records) {
      const keep = new Set(records.map((r) => r.name));
      for (const name of sessions.keys())
        if (!keep.has(name)) {
          sessions.delete(name);
          changed();
        }
      for (const r of records) upsert(r);
    },
    markExpired(name, expiredAt) {
      tombstones.delete(name);
      tombstones.set(name, expiredAt);
      while (tombstones.size > TOMBSTONE_MAX) tombstones.delete(tombstones.keys().next().value as string);
    },
    expiredAt(name) {
      const at = tombstones.get(name);
      if (at === undefined) return undefined;
      if (Date.parse(at) + TOMBSTONE_MS < now()) {
        tombstones.delete(name);
        return undefined;
      }
      return at;
    },
  };
}

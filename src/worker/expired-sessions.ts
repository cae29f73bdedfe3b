// Sessions past their expires_at: the cron removes them (expireSessions) and leaves a small
// marker, `expired:<name>` in LINKUP_SESSIONS for 30 days, so a request for a removed session
// still learns that it expired and how to recreate it (410) instead of "does not exist" (422).
// The proxy also treats a stored but expired session as gone before the cron has run.
import { isExpired } from "../core/duration.js";
import type { SessionStore } from "../store/session-store.js";
import type { SessionCache } from "./session-cache.js";

const PREFIX = "expired:";
/** How long a removed session is remembered as expired. */
export const TOMBSTONE_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The part of Workers KV the markers use. */
export interface TombstoneKv {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/** When the removed session `name` expired (ISO), or undefined when it is not remembered as expired. */
export async function expiredTombstone(kv: TombstoneKv, name: string): Promise<string | undefined> {
  const raw = await kv.get(PREFIX + name, "text");
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as { expired_at?: unknown };
    return typeof v.expired_at === "string" ? v.expired_at : undefined;
  } catch {
    return undefined;
  }
}

export interface ExpireResult {
  /** Sessions removed because they expired. */
  expired: string[];
  /** Sessions that could not be removed (retried on the next run). */
  failed: { session: string; error: string }[];
}

/** Removes every session whose expires_at is at or before `now` (ms), remembering each as expired. */
export async function expireSessions(store: SessionStore, kv: TombstoneKv, now: number, cache: SessionCache): Promise<ExpireResult> {
  const result: ExpireResult = { expired: [], failed: [] };
  for (const record of await store.list()) {
    if (!isExpired(record, now)) continue;
    try {
      // Read again just before deleting: a write that renewed the session meanwhile wins.
      const current = await store.get(record.name);
      if (!current || current.version !== record.version || !isExpired(current, now)) continue;
      await kv.put(PREFIX + record.name, JSON.stringify({ expired_at: current.expires_at }), { expirationTtl: TOMBSTONE_TTL_SECONDS });
      await store.delete(record.name);
      cache.invalidate(record.name);
      result.expired.push(record.name);
    } catch (err) {
      result.failed.push({ session: record.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

// Workers KV session store (the worker's LINKUP_SESSIONS namespace). One key per session;
// listing pages through every key, so it is not capped at KV's 1,000-key page. A session that
// expires also gets a KV expiration a day after it, as a backstop should the cron that removes
// expired sessions (src/worker/scheduled.ts) not run.
import type { SessionRecord } from "../core/session.js";
import type { SessionStore } from "./session-store.js";

/** The subset of the Workers KV binding this store uses (structural, so core types stay runtime-free). */
export interface KvNamespaceLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { expiration?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

const PREFIX = "session:";
/** How long after a session's expires_at KV drops the key itself (the cron normally removes it within the hour). */
export const KV_EXPIRY_GRACE_SECONDS = 24 * 60 * 60;
/** KV refuses expirations less than 60 seconds away. */
const KV_MIN_AHEAD_SECONDS = 60;

/** The KV expiration (seconds since epoch) for a record, or undefined when it never expires. */
export function kvExpiration(record: SessionRecord, nowMs: number): number | undefined {
  if (!record.expires_at) return undefined;
  const at = Date.parse(record.expires_at);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(Math.floor(at / 1000) + KV_EXPIRY_GRACE_SECONDS, Math.floor(nowMs / 1000) + KV_MIN_AHEAD_SECONDS);
}

export function kvStore(kv: KvNamespaceLike): SessionStore {
  const get = async (name: string): Promise<SessionRecord | undefined> => {
    const raw = await kv.get(PREFIX + name, "text");
    return raw === null ? undefined : (JSON.parse(raw) as SessionRecord);
  };
  return {
    get,
    async list() {
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await kv.list({ prefix: PREFIX, ...(cursor ? { cursor } : {}) });
        for (const k of page.keys) names.push(k.name.slice(PREFIX.length));
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      const records = await Promise.all(names.map(get));
      return records.filter((r): r is SessionRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
    },
    async put(record) {
      const expiration = kvExpiration(record, Date.now());
      await kv.put(PREFIX + record.name, JSON.stringify(record), expiration === undefined ? undefined : { expiration });
    },
    async delete(name) {
      await kv.delete(PREFIX + name);
    },
  };
}

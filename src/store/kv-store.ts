// Workers KV session store (the worker's LINKUP_SESSIONS namespace). One key per session;
// listing pages through every key, so it is not capped at KV's 1,000-key page.
import type { SessionRecord } from "../core/session.js";
import type { SessionStore } from "./session-store.js";

/** The subset of the Workers KV binding this store uses (structural, so core types stay runtime-free). */
export interface KvNamespaceLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

const PREFIX = "session:";

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
      await kv.put(PREFIX + record.name, JSON.stringify(record));
    },
    async delete(name) {
      await kv.delete(PREFIX + name);
    },
  };
}

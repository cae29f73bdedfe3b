// In-memory session store: for tests and for callers that keep no state.
import type { SessionRecord } from "../core/session.js";
import type { SessionStore } from "./session-store.js";

export function memoryStore(initial: SessionRecord[] = []): SessionStore {
  const map = new Map(initial.map((r) => [r.name, structuredClone(r)]));
  return {
    async get(name) {
      const r = map.get(name);
      return r && structuredClone(r);
    },
    async list() {
      return [...map.values()].map((r) => structuredClone(r)).sort((a, b) => a.name.localeCompare(b.name));
    },
    async put(record) {
      map.set(record.name, structuredClone(record));
    },
    async delete(name) {
      map.delete(name);
    },
  };
}

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
    // No await between the read and the write: atomic within this process.
    async update(name, fn) {
      const current = map.get(name);
      const step = fn(current && structuredClone(current));
      if (step.next === null) map.delete(name);
      else if (step.next !== undefined) map.set(name, structuredClone(step.next));
      return step.result;
    },
  };
}

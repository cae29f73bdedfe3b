// An in-memory stand-in for the part of Workers KV that tunnel-store uses (get/put/delete/list
// with cursor pagination), so tunnel-store can be tested in plain Node; the Miniflare test covers real KV.
import type { TunnelKv } from "../../src/worker/tunnels/tunnel-store.js";

export function memoryKv(pageSize = 2): TunnelKv & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    async get(key) {
      return data.get(key) ?? null;
    },
    async put(key, value) {
      data.set(key, value);
    },
    async delete(key) {
      data.delete(key);
    },
    async list(options) {
      const keys = [...data.keys()].sort();
      const after = options?.cursor;
      const rest = after === undefined ? keys : keys.filter((k) => k > after);
      const page = rest.slice(0, pageSize);
      const done = rest.length <= pageSize;
      return { keys: page.map((name) => ({ name })), list_complete: done, ...(done ? {} : { cursor: page[page.length - 1] }) };
    },
  };
}

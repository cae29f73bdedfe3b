// The worker's session store: the shared KV store (src/store/kv-store.ts) over LINKUP_SESSIONS.
// One place decides the binding, so the API and the proxy can never read different stores.
import { kvStore } from "../store/kv-store.js";
import type { SessionStore } from "../store/session-store.js";
import type { Env } from "./env.js";

export function sessionStoreOf(env: Env): SessionStore {
  return kvStore(env.LINKUP_SESSIONS);
}

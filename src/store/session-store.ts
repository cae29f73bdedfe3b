// The session store interface. Implementations (one file each, side by side): memory-store.ts,
// kv-store.ts (Workers KV, used by the worker), file-store.ts (the local server's state
// directory). contract.ts is the one test suite every implementation passes.
import type { SessionRecord } from "../core/session.js";

export interface SessionStore {
  get(name: string): Promise<SessionRecord | undefined>;
  list(): Promise<SessionRecord[]>;
  put(record: SessionRecord): Promise<void>;
  delete(name: string): Promise<void>;
}

// The session store interface. Implementations (one file each, side by side): memory-store.ts,
// kv-store.ts (Workers KV, used by the worker), file-store.ts (the local server's state
// directory). contract.ts is the one test suite every implementation passes.
import type { SessionRecord } from "../core/session.js";

/** What an `update` callback decides: write a record, delete the session (null), or leave it (undefined). */
export interface UpdateStep<T> {
  next: SessionRecord | null | undefined;
  result: T;
}

export interface SessionStore {
  get(name: string): Promise<SessionRecord | undefined>;
  list(): Promise<SessionRecord[]>;
  put(record: SessionRecord): Promise<void>;
  delete(name: string): Promise<void>;
  /**
   * Atomic read-check-write of one session, offered by backends that can (the file store holds a
   * cross-process lock; the memory store has no await in between). KV has no compare-and-swap and
   * leaves it out; use `updateSession`, which falls back to get + put there.
   */
  update?<T>(name: string, fn: (current: SessionRecord | undefined) => UpdateStep<T>): Promise<T>;
}

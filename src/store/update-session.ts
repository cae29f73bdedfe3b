// One read-check-write of a session on any store: atomic through the store's own `update` where the
// backend has one (file, memory), else a get followed by a put or delete (Workers KV, which has
// no compare-and-swap: two writers racing within KV's propagation delay can both pass the check;
// a version precondition still catches every conflict visible to the read).
import type { SessionRecord } from "../core/session.js";
import type { SessionStore, UpdateStep } from "./session-store.js";

export async function updateSession<T>(
  store: SessionStore,
  name: string,
  fn: (current: SessionRecord | undefined) => UpdateStep<T>,
): Promise<T> {
  if (store.update) return store.update(name, fn);
  const current = await store.get(name);
  const step = fn(current);
  if (step.next === null) {
    if (current) await store.delete(name);
  } else if (step.next !== undefined) await store.put(step.next);
  return step.result;
}

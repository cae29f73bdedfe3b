// The local server's counterpart of the worker's cron: sessions (isolated or tunneled ones given a
// ttl) past their expires_at are removed from the sessions file and the registry, and remembered
// as expired so requests for them answer 410. Runs once a minute and on demand (tests move the clock).
import { isExpired } from "../core/duration.js";
import type { FileSessionStore } from "../store/file-store.js";
import type { SessionRegistry } from "./session-registry.js";

export const EXPIRY_SWEEP_MS = 60_000;

export interface ExpirySweeper {
  /** Removes every expired session now; returns their names. */
  sweep(): Promise<string[]>;
  close(): Promise<void>;
}

export function startExpirySweeper(options: {
  store: FileSessionStore;
  registry: SessionRegistry;
  now: () => number;
  intervalMs?: number;
  log?: (line: string) => void;
}): ExpirySweeper {
  const { store, registry, now } = options;
  let running: Promise<string[]> = Promise.resolve([]);

  async function sweepOnce(): Promise<string[]> {
    const removed: string[] = [];
    for (const record of await store.list()) {
      if (!isExpired(record, now())) continue;
      // Under the store's lock: a write that renewed the session since the list wins.
      const gone = await store.update<string | undefined>(record.name, (current) =>
        current && isExpired(current, now()) ? { next: null, result: current.expires_at ?? undefined } : { next: undefined, result: undefined },
      );
      if (gone === undefined) continue;
      registry.remove(record.name);
      registry.markExpired(record.name, gone);
      removed.push(record.name);
    }
    if (removed.length > 0) options.log?.(`removed expired session(s): ${removed.join(", ")}`);
    return removed;
  }

  // Sweeps never overlap: each waits for the one before.
  const sweep = () => (running = running.catch(() => []).then(sweepOnce));
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => options.log?.(`could not remove expired sessions: ${(error as Error).message}`));
  }, options.intervalMs ?? EXPIRY_SWEEP_MS);
  timer.unref();

  return {
    sweep,
    async close() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}

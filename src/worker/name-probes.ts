// Slows down anyone scanning for session names: requests that name no existing session (the
// 422 answers, and the 403s that hide them behind Access) are counted per client address. Past
// the limit the client gets 429 for a minute on every request, whatever session it names, so a
// scanner cannot tell a found name from a refused one. Each block is logged.
//
// Counting uses the Workers rate-limiting binding NAME_PROBE_LIMITER where it is deployed (per
// Cloudflare location, approximate, as Cloudflare documents) and an in-memory fixed window per
// isolate otherwise (the embedded default). The block itself is remembered in the isolate.

/** The Workers rate-limiting binding's interface (`[[ratelimits]]` / `type: "ratelimit"`). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export const DEFAULT_PROBE_LIMIT = 30;
export const PROBE_PERIOD_MS = 60_000;
const MAX_TRACKED = 10_000;

export interface NameProbeGuard {
  /** True while the client is blocked. */
  blocked(client: string, now: number): boolean;
  /**
   * Counts one miss; true when the client is over the limit (it is blocked from now on). `binding`
   * is the Workers binding when deployed; without it an in-memory window of `limit` misses is used.
   */
  miss(client: string, now: number, counter: { binding?: RateLimitBinding | undefined; limit: number }): Promise<boolean>;
}

/** The in-memory counter: at most `limit` misses per client per fixed window. */
export function memoryRateLimit(limit: number, periodMs: number, clock: () => number): RateLimitBinding {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async limit({ key }) {
      const now = clock();
      let w = windows.get(key);
      if (!w || now - w.start >= periodMs) {
        windows.delete(key);
        w = { start: now, count: 0 };
        windows.set(key, w);
        while (windows.size > MAX_TRACKED) windows.delete(windows.keys().next().value as string);
      }
      w.count++;
      return { success: w.count <= limit };
    },
  };
}

export function createNameProbeGuard(options: { log?: (line: string) => void } = {}): NameProbeGuard {
  const blockedUntil = new Map<string, number>();
  let clock = 0;
  let memory: { limit: number; binding: RateLimitBinding } | undefined;
  const log = options.log ?? ((line: string) => console.warn(line));
  const memoryBinding = (limit: number) => {
    if (!memory || memory.limit !== limit) memory = { limit, binding: memoryRateLimit(limit, PROBE_PERIOD_MS, () => clock) };
    return memory.binding;
  };
  return {
    blocked(client, now) {
      const until = blockedUntil.get(client);
      if (until === undefined) return false;
      if (now < until) return true;
      blockedUntil.delete(client);
      return false;
    },
    async miss(client, now, counter) {
      clock = now;
      const { success } = await (counter.binding ?? memoryBinding(counter.limit)).limit({ key: client });
      if (success) return false;
      if (!blockedUntil.has(client))
        log(`linkup worker: client ${client} blocked for ${PROBE_PERIOD_MS / 1000}s: too many requests for sessions that do not exist (name scanning?)`);
      blockedUntil.set(client, now + PROBE_PERIOD_MS);
      while (blockedUntil.size > MAX_TRACKED) blockedUntil.delete(blockedUntil.keys().next().value as string);
      return true;
    },
  };
}

/** The client's address as Cloudflare reports it; requests without one (local tools) share one bucket. */
export function clientAddress(request: Request): string {
  return request.headers.get("cf-connecting-ip")?.trim() || "unknown";
}

export const isolateNameProbes: NameProbeGuard = createNameProbeGuard();

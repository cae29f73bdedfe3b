// Live health probes for `status`: one GET per target, all in parallel, each with its own
// timeout; healthy means a status in `statuses`, or below 500 when none are configured.
import { refTimeout } from "../clients/ref-timeout.js";

export interface ProbeTarget {
  url: string;
  statuses?: number[];
  headers?: Record<string, string>;
}

export interface ProbeResult {
  status: "ok" | "error" | "timeout";
  http_status: number | null;
  error: string | null;
}

export async function probe(target: ProbeTarget, timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    const t = refTimeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(target.url, { headers: target.headers ?? {}, redirect: "manual", signal: t.signal });
      // Only the status counts: a health path may stream (an event stream), so the body is not read.
      await res.body?.cancel();
    } finally {
      t.clear();
    }
    const ok = target.statuses && target.statuses.length > 0 ? target.statuses.includes(res.status) : res.status < 500;
    return { status: ok ? "ok" : "error", http_status: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const timeout = (e as Error)?.name === "TimeoutError";
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    return { status: timeout ? "timeout" : "error", http_status: null, error: timeout ? `no answer in ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message) };
  }
}

/** At most `concurrency` probes at a time (a status over many sessions must not open hundreds of sockets at once). */
export async function probeAll(targets: ProbeTarget[], timeoutMs?: number, concurrency = 16): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await probe(targets[i]!, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return results;
}

// A timeout signal that keeps the process alive until it fires or is cleared. AbortSignal.timeout's
// timer is unref'd: when a fetch waits on a socket that accepted and closed (a program squatting on
// a Linkup port can do that), no other handle may be open, and Node then exits in the middle of
// the command with status 0 and no output. Every CLI-side fetch with a deadline uses this instead.
export interface RefTimeout {
  signal: AbortSignal;
  clear(): void;
}

export function refTimeout(ms: number): RefTimeout {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** fetch with a deadline that cannot let the process exit early. */
export async function fetchWithTimeout(url: string, init: RequestInit, ms: number, doFetch: typeof fetch = fetch): Promise<Response> {
  const t = refTimeout(ms);
  try {
    const res = await doFetch(url, { ...init, signal: t.signal });
    // The body is read by the caller; keep the deadline on it too.
    const body = await res.arrayBuffer();
    return new Response([204, 205, 304].includes(res.status) ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } finally {
    t.clear();
  }
}

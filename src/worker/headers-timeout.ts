// The worker's bound on waiting for an upstream's response headers (workerd's fetch has none of
// its own): an AbortSignal that fires after the service's headers timeout and is disarmed as soon
// as fetch resolves, i.e. once the headers are in, so a streamed body or an upgraded WebSocket
// is never cut.

/** Runs `send` with a signal that aborts after `ms` unless `send` settled first; says which happened. */
export async function withHeadersTimeout<T>(ms: number, send: (signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; timedOut: boolean; error: unknown }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("headers timeout"));
  }, ms);
  try {
    return { ok: true, value: await send(controller.signal) };
  } catch (error) {
    return { ok: false, timedOut, error };
  } finally {
    clearTimeout(timer);
  }
}


// `create-preview --wait`: return once the worker serves the preview as just written. Three
// steps, each polled until true or the deadline: (1) the worker's API reads the version we wrote;
// (2) a request to the worker naming the session (x-forwarded-host `<name>.<first domain>` and
// tracestate `linkup-session=<name>`: the worker's own host names no session) is routed to a
// service, not answered "unknown session", "expired" or "no service"; (3) for a deployed
// worker, the time other isolates may keep the previous copy (WORKER_SESSION_CACHE_MS) has passed
// since the write. The embedded worker is one isolate, and the write invalidated its copy.
import { WORKER_SESSION_CACHE_MS } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";
import type { SessionRecord } from "../core/session.js";
import type { ReconcileContext } from "../reconcile/context.js";

export const DEFAULT_WAIT_MS = 120_000;
const POLL_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The worker's origin (the API client's base URL without /linkup/v1). */
function workerOrigin(ctx: ReconcileContext): string {
  return new URL(ctx.clients.worker.baseUrl).origin;
}

/**
 * True when the worker routed a request for the session to one of its services: any answer but
 * Linkup's own "no such session" (422), "expired" (410) or "no service for this request" (404). An
 * unreachable app (502) still counts: the routing is in place.
 */
async function routed(origin: string, name: string, domain: string | undefined): Promise<boolean> {
  const res = await fetch(origin + "/", {
    headers: { tracestate: `linkup-session=${name}`, ...(domain ? { "x-forwarded-host": `${name}.${domain}` } : {}) },
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 404 && res.status !== 410 && res.status !== 422) {
    await res.body?.cancel();
    return true;
  }
  const text = await res.text();
  return !text.includes("- Linkup worker");
}

export async function waitUntilServed(ctx: ReconcileContext, record: SessionRecord, options: { timeoutMs?: number; writtenAt?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const writtenAt = options.writtenAt ?? Date.now();
  const deadline = Date.now() + timeoutMs;
  const until = async (what: string, check: () => Promise<boolean>) => {
    let last = "";
    for (;;) {
      try {
        if (await check()) return;
      } catch (e) {
        last = ` (last error: ${(e as Error).message})`;
      }
      if (Date.now() >= deadline)
        throw new LinkupError("wait-timeout", `session ${record.name} was written, but ${what} within ${Math.round(timeoutMs / 1000)} s${last}`);
      await sleep(POLL_MS);
    }
  };
  await until("the worker's API did not show it", async () => ((await ctx.clients.worker.get(record.name))?.version ?? 0) >= record.version);
  const origin = workerOrigin(ctx);
  await until("the worker did not route requests to it", () => routed(origin, record.name, record.spec.domains[0]?.domain));
  if (!ctx.embeddedWorker) {
    const rest = writtenAt + WORKER_SESSION_CACHE_MS - Date.now();
    if (rest > 0) {
      if (Date.now() + rest > deadline) throw new LinkupError("wait-timeout", `session ${record.name} was written, but the wait ended before every worker isolate could see it`);
      await sleep(rest);
    }
  }
}

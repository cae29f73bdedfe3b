// Readiness check for a freshly started background server: poll a URL until anything answers.
// Any HTTP status counts (an admin API answers 401 without a token and is still up); only a
// refused or hanging connection means "not yet".

import { setTimeout as sleep } from "node:timers/promises";
import { LinkupError } from "../core/errors.js";

export interface WaitForHttpOptions {
  /** Polled between attempts: a process that already died will never answer, so stop waiting. */
  alive?: () => boolean;
  /** Added to the error so the user knows where to look (e.g. the daemon's log file). */
  hint?: string;
}

export async function waitForHttp(url: string, timeoutMs: number, options: WaitForHttpOptions = {}): Promise<void> {
  const overall = AbortSignal.timeout(timeoutMs);
  let lastError: unknown;
  while (!overall.aborted) {
    try {
      // Each attempt is bounded too, so a server that accepts but never answers cannot eat the budget.
      const response = await fetch(url, { signal: AbortSignal.any([overall, AbortSignal.timeout(1000)]) });
      await response.body?.cancel();
      return;
    } catch (error) {
      lastError = error;
    }
    if (options.alive && !options.alive()) {
      throw new LinkupError("SERVER_EXITED", `The server exited before it answered on ${url}.`, { hint: options.hint, cause: lastError });
    }
    try {
      await sleep(50, undefined, { signal: overall });
    } catch {
      break;
    }
  }
  throw new LinkupError("SERVER_NOT_READY", `Nothing answered on ${url} within ${timeoutMs} ms.`, { hint: options.hint, cause: lastError });
}

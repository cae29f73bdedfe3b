// The local server's request log: the last N requests it (and the embedded worker it hosts)
// routed, kept in memory and handed to readers (GET /linkup/v1/requests, the SSE stream, the
// dashboard). The proxy's hot path only stores the trace it built (core RequestTrace: references
// and numbers) in a ring slot; records are formatted (core requestRecord) when someone reads them,
// or once per request while someone is subscribed.
import { recordMatches, requestRecord, type RequestFilter, type RequestLogLine, type RequestRecord, type RequestTrace } from "../core/request-record.js";
import type { RoutingFailure } from "../core/outcome.js";

export const DEFAULT_REQUEST_LOG_SIZE = 500;

type Entry = RequestTrace | RequestLogLine;

export type RequestListener = (record: RequestRecord) => void;

export interface RequestLog {
  readonly capacity: number;
  /** Id of the newest record (0 when none yet). */
  readonly lastId: number;
  /** A trace for a request the proxy is about to route (the clock starts now). */
  start(method: string, host: string, path: string): RequestTrace;
  /** The request's answer is known (status, or the failure): the trace joins the log. */
  finish(trace: RequestTrace, status: number, failure?: RoutingFailure): void;
  /** A record routed elsewhere: the embedded worker's log line. */
  addLine(line: RequestLogLine): void;
  /** Records with an id above `after` (oldest first) matching `filter`, at most the `limit` newest. */
  list(filter?: RequestFilter, after?: number, limit?: number): RequestRecord[];
  /** Every new record, as it is added; returns the unsubscribe function. */
  subscribe(listener: RequestListener): () => void;
}

function isLine(entry: Entry): entry is RequestLogLine {
  return (entry as RequestLogLine).linkup === "request";
}

export function createRequestLog(capacity = DEFAULT_REQUEST_LOG_SIZE, now: () => number = () => performance.now()): RequestLog {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`request log capacity must be a positive integer, not ${capacity}`);
  const ring: Entry[] = new Array(capacity);
  const timeOrigin = performance.timeOrigin;
  let count = 0;
  const listeners = new Set<RequestListener>();

  const format = (entry: Entry, id: number): RequestRecord => (isLine(entry) ? { id, ...withoutMarker(entry) } : requestRecord(entry, "local", timeOrigin, id));

  function push(entry: Entry): void {
    ring[count % capacity] = entry;
    count++;
    if (listeners.size === 0) return;
    const record = format(entry, count);
    for (const listener of listeners)
      try {
        listener(record);
      } catch {
        // A reader's failure (a stream already closed) is the reader's: routing goes on.
        listeners.delete(listener);
      }
  }

  return {
    capacity,
    get lastId() {
      return count;
    },
    start(method, host, path) {
      return { start: now(), method, host, path, resolution: undefined, target: undefined, status: 0, duration: 0, failure: undefined };
    },
    finish(trace, status, failure) {
      trace.status = status;
      trace.duration = now() - trace.start;
      trace.failure = failure;
      push(trace);
    },
    addLine(line) {
      push(line);
    },
    list(filter = {}, after = 0, limit = capacity) {
      const out: RequestRecord[] = [];
      const first = Math.max(after, count - capacity);
      for (let id = count; id > first && out.length < limit; id--) {
        const record = format(ring[(id - 1) % capacity]!, id);
        if (recordMatches(record, filter)) out.push(record);
      }
      return out.reverse();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function withoutMarker(line: RequestLogLine): Omit<RequestRecord, "id"> {
  const { linkup: _marker, ...record } = line;
  return record;
}

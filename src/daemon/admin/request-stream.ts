// The request log over HTTP: GET .../requests (JSON, the last records) and GET .../requests/stream
// (server-sent events: the matching records since Last-Event-ID or `after`, then each new one as
// it is routed). Served twice behind different guards: under /linkup/v1 for the CLI (admin token)
// and under /dashboard/api for the dashboard (its cookie). Filters are exact names; nothing from
// the query reaches a regex.
import type { Context } from "hono";
import { apiError, jsonAnswer } from "../../api/api-error.js";
import type { RequestList } from "../../core/local-api.js";
import { recordMatches, type RequestFilter, type RequestRecord } from "../../core/request-record.js";
import type { RequestLog } from "../request-log.js";

/** Comment line sent this often so proxies and idle timeouts keep the stream open. */
const KEEPALIVE_MS = 15_000;
/** A reader this many events behind is dropped (its EventSource reconnects with Last-Event-ID). */
const MAX_QUEUED_EVENTS = 2_000;
const MAX_NAME = 200;

export interface StreamRegistry {
  /** Ends every open stream (server shutdown). */
  closeAll(): void;
}

interface Query {
  filter: RequestFilter;
  after: number;
  limit: number;
}

function parseQuery(c: Context, capacity: number): Query | Response {
  const session = c.req.query("session") || undefined;
  const service = c.req.query("service") || undefined;
  if ((session && session.length > MAX_NAME) || (service && service.length > MAX_NAME))
    return apiError(400, "invalid-filter", "session and service filters are names");
  const afterText = c.req.header("last-event-id") ?? c.req.query("after");
  const limitText = c.req.query("limit");
  const after = afterText === undefined || afterText === "" ? 0 : Number(afterText);
  const limit = limitText === undefined || limitText === "" ? capacity : Number(limitText);
  if (!Number.isInteger(after) || after < 0) return apiError(400, "invalid-after", "after (or Last-Event-ID) must be a record id");
  if (!Number.isInteger(limit) || limit < 0) return apiError(400, "invalid-limit", "limit must be a whole number");
  return { filter: { session, service }, after, limit: Math.min(limit, capacity) };
}

export function requestListAnswer(c: Context, log: RequestLog): Response {
  const q = parseQuery(c, log.capacity);
  if (q instanceof Response) return q;
  const body: RequestList = { requests: log.list(q.filter, q.after, q.limit), last_id: log.lastId };
  return jsonAnswer(body);
}

function event(record: RequestRecord): string {
  return `id: ${record.id}\nevent: request\ndata: ${JSON.stringify(record)}\n\n`;
}

export function createStreamRegistry(): StreamRegistry & { add(close: () => void): () => void } {
  const open = new Set<() => void>();
  return {
    add(close) {
      open.add(close);
      return () => open.delete(close);
    },
    closeAll() {
      for (const close of [...open]) close();
      open.clear();
    },
  };
}

export function requestStreamAnswer(c: Context, log: RequestLog, streams: ReturnType<typeof createStreamRegistry>): Response {
  const q = parseQuery(c, log.capacity);
  if (q instanceof Response) return q;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) return end();
        controller.enqueue(encoder.encode(text));
      };
      const end = () => {
        if (closed) return;
        cleanup();
        try {
          controller.close();
        } catch {
          // Already closed by the reader going away.
        }
      };
      // The backlog first (a reconnecting EventSource gets only what it missed), then live records.
      send(`retry: 2000\n\n`);
      for (const record of log.list(q.filter, q.after, q.limit)) send(event(record));
      const unsubscribe = log.subscribe((record) => {
        if (recordMatches(record, q.filter)) send(event(record));
      });
      const keepalive = setInterval(() => send(": keep-alive\n\n"), KEEPALIVE_MS);
      keepalive.unref();
      const unregister = streams.add(end);
      cleanup = () => {
        closed = true;
        unsubscribe();
        clearInterval(keepalive);
        unregister();
      };
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

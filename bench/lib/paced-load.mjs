// Latency at a fixed, light request rate, with the requests spread evenly over time (an open-loop
// generator: request i is due at start + i / rate, whatever the answers before it did).
//
// Why not autocannon's `overallRate`: it gives each connection a budget of rate/connections
// requests per second, which the connection spends back to back as fast as the server answers,
// then idles until the next second (autocannon lib/httpClient.js, `reqsMadeThisSecond`). "1,000
// req/s over 32 connections" is therefore a burst at saturation with 32 requests in flight,
// some tens of ms long, once a second, and its latencies are those of saturation: roughly 32 ÷ the
// server's peak req/s. That measures throughput a second time, not what one request through an
// idle proxy costs, which is what a developer's page load sees.
//
// Here each request goes out on an idle keep-alive connection (raw sockets, a prebuilt request,
// a minimal response parser for Content-Length or chunked bodies, so the generator's own cost is
// small and the same for every target). Latency is taken from the moment the request is written
// to the moment the last byte of its answer is read. A request that finds no idle connection waits
// for one (counted in `queued`); `late_ms_p99` says how far behind schedule sends were, so a
// generator that could not keep up on a busy machine is visible rather than hidden.
import { connect } from "node:net";
import { quantile, round } from "./stats.mjs";

const CRLF2 = Buffer.from("\r\n\r\n");

function requestBuffer(url, headers) {
  const u = new URL(url);
  const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`];
  const names = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  if (!names.has("host")) lines.push(`host: ${u.host}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push("connection: keep-alive", "", "");
  return { port: Number(u.port || 80), host: u.hostname, bytes: Buffer.from(lines.join("\r\n"), "latin1") };
}

/**
 * Reads HTTP/1.1 responses off one connection. `feed(chunk)` returns the status of each response
 * it completed (there is never more than one in flight per connection here).
 */
export function responseReader() {
  let buffered = Buffer.alloc(0);
  let state = null; // { status, remaining } for Content-Length, { status, chunked: true } for chunked
  const completed = [];

  const parseHead = () => {
    const end = buffered.indexOf(CRLF2);
    if (end === -1) return false;
    const head = buffered.toString("latin1", 0, end);
    buffered = buffered.subarray(end + 4);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) state = { status, remaining: Number(length[1]) };
    else if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) state = { status, chunked: true };
    else state = { status, remaining: 0 };
    return true;
  };

  const parseBody = () => {
    if (!state.chunked) {
      const take = Math.min(state.remaining, buffered.length);
      state.remaining -= take;
      buffered = buffered.subarray(take);
      if (state.remaining > 0) return false;
      completed.push(state.status);
      state = null;
      return true;
    }
    // Chunked: walk whole chunks; the last one is `0\r\n\r\n` (no trailers from these servers).
    for (;;) {
      const lineEnd = buffered.indexOf("\r\n");
      if (lineEnd === -1) return false;
      const size = parseInt(buffered.toString("latin1", 0, lineEnd), 16);
      const total = lineEnd + 2 + size + 2;
      if (buffered.length < total) return false;
      buffered = buffered.subarray(total);
      if (size === 0) {
        completed.push(state.status);
        state = null;
        return true;
      }
    }
  };

  return {
    feed(chunk) {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      completed.length = 0;
      for (;;) {
        if (state === null && !parseHead()) break;
        if (!parseBody()) break;
      }
      return completed;
    },
  };
}

/**
 * Sends `rate` requests per second to `url`, evenly spaced, for `warmupS` (not recorded) and then
 * `durationS` seconds; returns the latency percentiles of the recorded ones.
 */
export async function pacedLatency(url, { rate = 1_000, durationS = 4, warmupS = 1, connections = 16, headers = {}, timeoutMs = 10_000 } = {}) {
  const { port, host, bytes } = requestBuffer(url, headers);
  const sockets = [];
  const idle = [];
  const waiting = []; // due times of requests that found no idle connection
  const times = [];
  const lateness = [];
  let errors = 0;
  let queued = 0;
  let warmEnd = Infinity;
  let finished = false;
  let inFlight = 0;
  let onSettled = null;

  const send = (conn, dueAt) => {
    const now = performance.now();
    conn.recorded = dueAt >= warmEnd;
    if (conn.recorded) lateness.push(now - dueAt);
    conn.sentAt = now;
    inFlight++;
    conn.socket.write(bytes);
  };

  const release = (conn) => {
    if (waiting.length > 0) send(conn, waiting.shift());
    else idle.push(conn);
  };

  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise((resolve, reject) => {
          const socket = connect({ port, host, noDelay: true });
          const conn = { socket, sentAt: 0, recorded: false, reader: responseReader() };
          socket.once("connect", () => {
            sockets.push(conn);
            idle.push(conn);
            resolve();
          });
          socket.once("error", reject);
          socket.on("data", (chunk) => {
            for (const status of conn.reader.feed(chunk)) {
              const ms = performance.now() - conn.sentAt;
              inFlight--;
              if (conn.recorded) {
                if (status >= 200 && status < 300) times.push(ms);
                else errors++;
              }
              if (!finished) release(conn);
              else if (inFlight === 0) onSettled?.();
            }
          });
        }),
    ),
  );
  for (const conn of sockets) {
    conn.socket.removeAllListeners("error");
    conn.socket.on("error", () => errors++);
  }

  const interval = 1000 / rate;
  const start = performance.now();
  warmEnd = start + warmupS * 1000;
  const end = warmEnd + durationS * 1000;
  let next = start;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next <= now && next < end) {
        const conn = idle.pop();
        if (conn) send(conn, next);
        else {
          if (next >= warmEnd) queued++;
          waiting.push(next);
        }
        next += interval;
      }
      if (next >= end) return resolve();
      setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  });
  // Let the last answers arrive (bounded), then close.
  finished = true;
  waiting.length = 0;
  if (inFlight > 0) await new Promise((resolve) => ((onSettled = resolve), setTimeout(resolve, timeoutMs)));
  for (const conn of sockets) conn.socket.destroy();
  return {
    requests: times.length,
    p50_ms: round(quantile(times, 0.5), 3),
    p90_ms: round(quantile(times, 0.9), 3),
    p99_ms: round(quantile(times, 0.99), 3),
    errors,
    queued,
    late_ms_p99: round(quantile(lateness, 0.99), 3),
  };
}

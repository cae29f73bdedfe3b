// `linkup logs [-f] [--since D] [--tail N]`: the local server's log (`<state dir>/local-server.log`,
// which also carries the embedded worker's output, each of its lines marked `worker <level>:`), without
// the user hunting for the file. Lines the local server wrote start with an ISO timestamp; a line
// without one (a stack trace, a continuation) belongs to the stamped line before it, for --since.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError } from "../core/errors.js";
import { daemonPaths } from "../machine/daemon.js";

/** The log file of the local server for a state directory. */
export function localServerLogPath(stateDir: string): string {
  return daemonPaths({ stateDir }).logPath;
}

const STAMP = /^(?:=== )?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\b/;

/** The timestamp a log line starts with (also `=== <ts> starting ...` headers), or undefined. */
export function lineTime(line: string): number | undefined {
  const m = STAMP.exec(line);
  return m ? Date.parse(m[1]!) : undefined;
}

/** `30s`, `5m`, `2h`, `1d` (ago), or an ISO 8601 / RFC 3339 time: the earliest time to show. */
export function parseSince(value: string, now: Date): Date {
  const rel = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (rel) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as "s" | "m" | "h" | "d"];
    return new Date(now.getTime() - Number(rel[1]) * unit);
  }
  const t = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(t)) return new Date(t);
  throw new ConfigError("invalid-since", `--since must be a duration such as 30s, 5m, 2h or 1d, or a time such as 2026-01-02T15:04:05Z, not "${value}"`);
}

/** Lines at or after `since` (unstamped lines follow the stamped line before them), the last `tail` of them. */
export function selectLines(lines: string[], options: { since?: Date; tail?: number }): string[] {
  let keep = options.since === undefined;
  const out: string[] = [];
  for (const line of lines) {
    const t = lineTime(line);
    if (t !== undefined && options.since !== undefined) keep = t >= options.since.getTime();
    if (keep) out.push(line);
  }
  return options.tail !== undefined ? out.slice(Math.max(0, out.length - options.tail)) : out;
}

/** The whole log as lines (none when the file does not exist yet), and where it ended. */
export function readLog(file: string): { lines: string[]; offset: number } {
  if (!existsSync(file)) return { lines: [], offset: 0 };
  const buf = readFileSync(file);
  const text = buf.toString("utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return { lines, offset: buf.length };
}

/**
 * Follows the log from `offset` until `signal` aborts: new complete lines go to `onLine`. A log
 * that shrank (truncated by hand) is read again from its start; one that does not exist yet is
 * waited for.
 */
export async function followLog(file: string, offset: number, onLine: (line: string) => void, signal: AbortSignal, pollMs = 200): Promise<void> {
  let pos = offset;
  let partial = "";
  while (!signal.aborted) {
    let size = -1;
    try {
      size = statSync(file).size;
    } catch {
      size = -1;
    }
    if (size >= 0 && size < pos) {
      pos = 0;
      partial = "";
    }
    if (size > pos) {
      const fd = openSync(file, "r");
      try {
        const buf = Buffer.alloc(size - pos);
        const n = readSync(fd, buf, 0, buf.length, pos);
        pos += n;
        const parts = (partial + buf.subarray(0, n).toString("utf8")).split("\n");
        partial = parts.pop() ?? "";
        for (const line of parts) onLine(line);
      } finally {
        closeSync(fd);
      }
    }
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
}

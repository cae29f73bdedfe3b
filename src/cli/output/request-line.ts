// One line per request record for `linkup requests`: time, which host routed it, status, method,
// host and path, then where it went (session/service -> location, and the header that named the
// session) or why it failed. The same line for the log and for `-f`.
import type { RequestRecord } from "../../core/request-record.js";
import type { CliIo } from "../io.js";

function clock(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function requestLine(r: RequestRecord, io: Pick<CliIo, "color">): string {
  const c = io.color;
  const status = r.failure || r.status >= 500 ? c.red(String(r.status)) : r.status >= 400 ? c.yellow(String(r.status)) : c.green(String(r.status));
  const head = `${clock(r.time)} ${r.at.padEnd(6)} ${status} ${r.method} ${r.host}${r.path}`;
  if (r.failure && r.service === null) return `${head} ${c.red(`${r.failure.kind}:`)} ${r.failure.detail}`;
  const by = r.attribution ? ` (${r.attribution.source})` : "";
  const to = r.via_tunnel ? "local via tunnel" : (r.location ?? "?");
  const where = `-> ${r.session ?? "?"}/${r.service ?? "?"} ${to}${by}`;
  const failure = r.failure ? ` ${c.red(`${r.failure.kind}:`)} ${r.failure.detail}` : "";
  return `${head} ${where} ${c.dim(`${r.duration_ms}ms`)}${failure}`;
}

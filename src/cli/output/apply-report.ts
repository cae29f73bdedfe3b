// How apply outcomes read: `session/<name> created|configured|unchanged|pruned`, `not declared
// (delete with --prune)`, failures by name, the `-o wide` table, the Cloudflare tunnel cloudflared
// connected, and where the sessions open.
import type { ApplyOutcome } from "../../reconcile/apply.js";
import { printable, type SessionAddress } from "../../operations/session-urls.js";
import type { TunnelConnection } from "../../operations/tunnel-connect.js";
import { note, type CliIo } from "../io.js";
import { renderTable } from "./table.js";

/** `session/<name> <result>`; `wide` adds where it lives. */
export function outcomeLine(o: ApplyOutcome, io: CliIo, wide = false): string {
  const c = io.color;
  const label = `session/${o.name}`;
  const where = wide ? ` (${o.placements.join(", ")})` : "";
  switch (o.result) {
    case "created":
      return `${label} ${c.green("created")}${where}`;
    case "configured":
      return `${label} ${c.yellow("configured")}${where}`;
    case "pruned":
      return `${label} ${c.red("pruned")}${where}`;
    case "unchanged":
      return `${label} ${c.dim("unchanged")}${where}`;
    case "undeclared":
      return `${label} ${c.yellow("not declared")}${where} (delete with --prune)`;
    case "failed":
      return `${label} ${c.red("failed")}${where}: ${o.error ?? "unknown error"}`;
  }
}

export function printOutcome(o: ApplyOutcome, io: CliIo): void {
  if (o.result === "failed") io.err(outcomeLine(o, io));
  else io.out(outcomeLine(o, io));
}

/** `apply -o wide`: one row per session with where it lives, its tunnel and its URLs. */
export function outcomesTable(outcomes: ApplyOutcome[], urls: { name: string; urls: string[] }[]): string {
  return renderTable(
    ["SESSION", "RESULT", "WHERE", "TUNNEL", "URLS"],
    outcomes.map((o) => [o.name, o.result, o.placements, o.tunnel_url ?? null, urls.find((u) => u.name === o.name)?.urls ?? []]),
  );
}

export function printTunnel(t: TunnelConnection, io: CliIo): void {
  io.out(`tunnel/${t.session} ${io.color.green("connected")} ${t.hostname} (cloudflared pid ${t.pid ?? "?"}, log ${t.log_file})`);
  if (t.not_connected.length > 0) note(io, io.color.yellow(`note: one cloudflared per machine; not connected: ${t.not_connected.join(", ")}`));
}

/** Where the applied sessions open: one aligned `  <session>  <url>` line per address. */
export function printAddresses(list: { name: string; addresses: SessionAddress[] }[], io: CliIo): void {
  const rows = list.flatMap((s) => printable(s.addresses).map((line) => [s.name, line] as const));
  if (rows.length === 0) return;
  const width = Math.max(...rows.map(([name]) => name.length));
  io.out("open:");
  for (const [name, line] of rows) io.out(`  ${name.padEnd(width)}  ${line}`);
}

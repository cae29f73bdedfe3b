// How apply outcomes read: `session/<name> created|configured|unchanged|pruned`, `not declared
// (delete with --prune)`, failures by name, and the Cloudflare tunnel cloudflared connected.
import type { ApplyOutcome } from "../../reconcile/apply.js";
import type { TunnelConnection } from "../../operations/tunnel-connect.js";
import type { CliIo } from "../io.js";

export function outcomeLine(o: ApplyOutcome, io: CliIo): string {
  const c = io.color;
  const label = `session/${o.name}`;
  switch (o.result) {
    case "created":
      return `${label} ${c.green("created")}`;
    case "configured":
      return `${label} ${c.yellow("configured")}`;
    case "pruned":
      return `${label} ${c.red("pruned")}`;
    case "unchanged":
      return `${label} ${c.dim("unchanged")}`;
    case "undeclared":
      return `${label} ${c.yellow("not declared")} (delete with --prune)`;
    case "failed":
      return `${label} ${c.red("failed")}: ${o.error ?? "unknown error"}`;
  }
}

export function printOutcome(o: ApplyOutcome, io: CliIo): void {
  if (o.result === "failed") io.err(outcomeLine(o, io));
  else io.out(outcomeLine(o, io));
}

export function printTunnel(t: TunnelConnection, io: CliIo): void {
  io.out(`tunnel/${t.session} ${io.color.green("connected")} ${t.hostname} (cloudflared pid ${t.pid ?? "?"}, log ${t.log_file})`);
  if (t.not_connected.length > 0)
    io.err(io.color.yellow(`note: one cloudflared per machine; not connected: ${t.not_connected.join(", ")}`));
}

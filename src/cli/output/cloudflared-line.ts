// How the local server's cloudflared reads in `status` and `health`: one line with its state,
// hostname, pid, restarts and last error, and where its log is when something is wrong.
import type { TunnelConnectorStatus } from "../../core/local-api.js";
import type { CliIo } from "../io.js";

export function cloudflaredLine(t: TunnelConnectorStatus, io: CliIo): string {
  const c = io.color;
  const state = t.state === "connected" ? c.green(t.state) : t.state === "stopped" ? c.dim(t.state) : c.yellow(t.state);
  const parts = [
    ...(t.hostname ? [t.hostname] : []),
    ...(t.pid !== null ? [`pid ${t.pid}`] : []),
    ...(t.restarts > 0 ? [`${t.restarts} restarts`] : []),
    ...(t.last_error && t.state !== "connected" ? [`last error: ${t.last_error}`, `log ${t.log_file}`] : []),
  ];
  return `cloudflared: ${state}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

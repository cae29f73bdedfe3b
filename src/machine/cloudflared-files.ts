// Where the cloudflared the local server supervises leaves its traces in the state directory: the
// pid file (read by `linkup stop` to end an orphan, and by `health`) and the appended log. A fact
// about this machine, so it lives here: the daemon writes these files and the CLI side reads them.
import { join } from "node:path";

export const CLOUDFLARED_PID_FILE = "cloudflared.pid";
export const CLOUDFLARED_LOG_FILE = "cloudflared-stderr";

export function cloudflaredFiles(stateDir: string): { logFile: string; pidFile: string } {
  return { logFile: join(stateDir, CLOUDFLARED_LOG_FILE), pidFile: join(stateDir, CLOUDFLARED_PID_FILE) };
}

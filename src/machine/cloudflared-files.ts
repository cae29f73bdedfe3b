// Where the cloudflared the local server supervises leaves its traces in the state directory: the
// pid file (read by `linkup stop` to end an orphan, and by `health`) and the appended log. A fact
// about this machine, so it lives here: the daemon writes these files and the CLI side reads them,
// both through this one helper (the names themselves are STATE_FILES in src/core/defaults.ts).
import { join } from "node:path";
import { PID_SUFFIX, STATE_FILES } from "../core/defaults.js";

export function cloudflaredFiles(stateDir: string): { logFile: string; pidFile: string } {
  return { logFile: join(stateDir, STATE_FILES.cloudflaredLog), pidFile: join(stateDir, STATE_FILES.cloudflared + PID_SUFFIX) };
}

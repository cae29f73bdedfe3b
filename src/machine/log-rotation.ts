// local-server.log must not grow for ever (a server that runs for weeks, or one that crash-loops
// through `linkup apply --watch`). It is capped at LINKUP_LOG_MAX_BYTES (default 5 MiB) with one
// previous generation kept as `<log>.1`:
// - before a new server starts, the CLI renames an oversized log to `<log>.1`;
// - the running server, whose stdout and stderr are that file opened for appending, checks its
//   size now and then and, when it is over the cap, copies it to `<log>.1` and truncates it in
//   place (what logrotate calls copytruncate: the descriptor stays valid, and since every write
//   goes through this single-threaded process, no line is lost between the copy and the cut).
import { copyFileSync, fstatSync, ftruncateSync, renameSync, statSync, writeSync } from "node:fs";

export { DEFAULT_LOG_MAX_BYTES } from "../core/defaults.js";

export function previousLogPath(path: string): string {
  return `${path}.1`;
}

/** Before anyone has the log open: an oversized log becomes `<log>.1`. True when it rotated. */
export function rotateLogFile(path: string, maxBytes: number): boolean {
  try {
    if (statSync(path).size <= maxBytes) return false;
    renameSync(path, previousLogPath(path));
    return true;
  } catch {
    return false;
  }
}

/**
 * In the process whose descriptor `fd` is the log opened for appending: when the file is over the
 * cap, copy it to `<log>.1` and truncate it. Does nothing when `fd` is not that file (a terminal).
 */
export function rotateOpenLog(fd: number, path: string, maxBytes: number): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    if (!open.isFile() || open.ino !== named.ino || open.dev !== named.dev || open.size <= maxBytes) return false;
    copyFileSync(path, previousLogPath(path));
    ftruncateSync(fd, 0);
    writeSync(fd, `${new Date().toISOString()} log rotated: earlier lines are in ${previousLogPath(path)}\n`);
    return true;
  } catch {
    return false;
  }
}

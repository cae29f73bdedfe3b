// CPU time a process has used so far (user + system), read from /proc/<pid>/stat, so the bench
// can charge a server's own CPU per request rather than guessing from wall time.
import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux, fixed at 100 for /proc.

/** CPU milliseconds used by `pid` (and its threads). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Pids of processes whose command line contains `needle` and whose parent chain includes `ancestor`. */
export function descendantsMatching(ancestor, needle) {
  const parentOf = new Map();
  const cmdOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      cmdOf.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " "));
    } catch {
      /* exited meanwhile */
    }
  }
  const isDescendant = (pid) => {
    for (let p = parentOf.get(pid), hops = 0; p !== undefined && hops < 64; p = parentOf.get(p), hops++) if (p === ancestor) return true;
    return false;
  };
  return [...cmdOf].filter(([pid, cmd]) => cmd.includes(needle) && isDescendant(pid)).map(([pid]) => pid);
}

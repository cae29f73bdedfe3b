// CPU time a process has used so far, so the bench can charge a server's own CPU per request
// rather than guessing from wall time. Read from the scheduler's own accounting
// (/proc/<pid>/task/<tid>/schedstat: nanoseconds on a CPU, every thread summed), which is exact;
// /proc/<pid>/stat's utime + stime counts in 10 ms ticks, too coarse for a 10 MiB body that takes
// a few ms, and is the fallback where schedstat is missing. Threads that exited before a reading
// are not counted (the servers measured keep theirs).
import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux, fixed at 100 for /proc.

/** CPU milliseconds used by `pid` (all its threads). */
export function cpuMs(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        /* thread exited meanwhile */
      }
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    /* no schedstat: fall back to ticks */
  }
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

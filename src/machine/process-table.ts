// The few questions Linkup asks the OS about other processes: which children a process has (the
// local server finding the workerd Miniflare spawned for it, whose pid Miniflare does not expose),
// read from /proc on Linux and from `ps` elsewhere.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** The command line, arguments separated by spaces. */
  command: string;
}

function fromProc(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised name (which may hold spaces): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      out.push({ pid: Number(entry), ppid, command });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function fromPs(): ProcessEntry[] {
  let text: string;
  try {
    text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,command="], { encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]!.trim() });
  }
  return out;
}

/** Every process the OS lists (of every user; callers filter). */
export function processTable(): ProcessEntry[] {
  if (process.platform === "linux") {
    try {
      return fromProc();
    } catch {
      return fromPs();
    }
  }
  return fromPs();
}

/** Direct children of `ppid` whose command line contains `needle`. */
export function childProcesses(ppid: number, needle: string): ProcessEntry[] {
  return processTable().filter((p) => p.ppid === ppid && p.command.includes(needle));
}

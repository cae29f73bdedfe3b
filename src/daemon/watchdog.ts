// Children that must die with the local server. The server's helpers (workerd, which Miniflare
// spawns for the embedded worker, and cloudflared) are ordinary child processes: when the server
// is killed outright (`kill -9`, the OOM killer, a crash) nothing ends them, and workerd keeps the
// worker port, so the next server cannot start.
//
// The watchdog is a tiny `sh` process holding the read end of a pipe whose only write end is this
// process's (Node opens pipes close-on-exec, so no other child inherits it). It reads commands:
// `watch <pid>:<marker>`, `unwatch <pid>`, and `disarm` (a clean shutdown, which ends the children
// itself). End of input without `disarm` means this process is gone however it died: the kernel
// closed the pipe. The watchdog then kills every watched pid whose command line still contains its
// marker (a pid the OS gave to an unrelated process since is never signalled) and exits.
//
// What the watchdog cannot cover (it was killed too) the pid files do: `start`, `stop` and
// `health` find recorded helpers whose server is gone (src/machine/orphans.ts).
import { spawn, type ChildProcess } from "node:child_process";

/** In argv[0] of the watchdog, so it can be recognised in `ps`. */
export const WATCHDOG_NAME = "linkup-watchdog";

// POSIX sh. Markers are single words (no spaces or colons).
const SCRIPT = `
pids=
while IFS= read -r line; do
  case $line in
    "watch "*) pids="$pids \${line#watch }" ;;
    "unwatch "*)
      gone=\${line#unwatch }; kept=
      for e in $pids; do [ "\${e%%:*}" = "$gone" ] || kept="$kept $e"; done
      pids=$kept ;;
    disarm) exit 0 ;;
  esac
done
for e in $pids; do
  pid=\${e%%:*}; marker=\${e#*:}
  if [ -r "/proc/$pid/cmdline" ]; then cmd=$(tr '\\000' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
  else cmd=$(ps -o command= -p "$pid" 2>/dev/null); fi
  case $cmd in *"$marker"*) kill -KILL "$pid" 2>/dev/null ;; esac
done
`;

export interface Watchdog {
  readonly pid: number | undefined;
  /** Kill `pid` if this process dies without disarming, provided its command line still contains `marker`. */
  watch(pid: number, marker: string): void;
  unwatch(pid: number): void;
  /** A clean shutdown: the watchdog exits without killing anything. */
  disarm(): void;
}

export function startWatchdog(options: { log?: (line: string) => void } = {}): Watchdog {
  let child: ChildProcess | undefined;
  let broken = false;
  try {
    child = spawn("/bin/sh", ["-c", SCRIPT, WATCHDOG_NAME], { stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", (error) => {
      broken = true;
      options.log?.(`the watchdog could not run (${error.message}); helpers left by a crash are ended by the next start or stop`);
    });
    // A watchdog killed on its own: the pid files still cover a crash.
    child.stdin!.on("error", () => (broken = true));
    // Neither the process nor its pipe keeps this process alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
  } catch (error) {
    broken = true;
    options.log?.(`the watchdog could not start (${(error as Error).message})`);
  }
  const send = (line: string) => {
    if (!broken && child?.stdin?.writable) child.stdin.write(line + "\n");
  };
  return {
    get pid() {
      return child?.pid;
    },
    watch(pid, marker) {
      if (!/^[A-Za-z0-9._-]+$/.test(marker)) throw new Error(`watchdog marker must be one word: ${marker}`);
      send(`watch ${pid}:${marker}`);
    },
    unwatch(pid) {
      send(`unwatch ${pid}`);
    },
    disarm() {
      send("disarm");
      child?.stdin?.end();
    },
  };
}

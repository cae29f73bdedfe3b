// cloudflared on the developer's machine: find the binary, run `cloudflared tunnel run` with the
// session's run token as a supervised background child (pid file, log appended to
// <stateDir>/cloudflared-stderr, restart with exponential backoff), and wait until the tunnel is
// usable: a connection registered at Cloudflare's edge and the tunnel hostname resolving.
// The token goes through the TUNNEL_TOKEN environment variable, never argv, so `ps` cannot show it.
import { access, constants, mkdir, open, rm, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { lookup } from "node:dns/promises";
import { execa, type ResultPromise } from "execa";
import writeFileAtomic from "write-file-atomic";
import { LinkupError } from "../../core/errors.js";
import type { CloudflaredState } from "../../core/local-api.js";
import { ENV, parseSettings } from "../../core/settings.js";
import { cloudflaredFiles } from "../../machine/cloudflared-files.js";

export const CLOUDFLARED_INSTALL_HINT =
  `install it from https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/ (macOS: \`brew install cloudflared\`), or set ${ENV.cloudflared} to its path`;

/** The log line cloudflared prints once a connection to Cloudflare's edge is up. */
const REGISTERED = /Registered tunnel connection connIndex=\d+/;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** `LINKUP_CLOUDFLARED` if set, else the first `cloudflared` on PATH; a LinkupError "cloudflared-missing" otherwise. */
export async function findCloudflared(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const explicit = parseSettings(env).cloudflared;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new LinkupError("cloudflared-missing", `${ENV.cloudflared}=${explicit} is not an executable file; ${CLOUDFLARED_INSTALL_HINT}`);
  }
  const names = process.platform === "win32" ? ["cloudflared.exe", "cloudflared"] : ["cloudflared"];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  throw new LinkupError("cloudflared-missing", `cloudflared was not found on PATH; ${CLOUDFLARED_INSTALL_HINT}`);
}

export interface CloudflaredOptions {
  /** Path to the binary; found with findCloudflared() when omitted. */
  binary?: string;
  token: string;
  /** Holds cloudflared.pid and cloudflared-stderr. */
  stateDir: string;
  /** Extra environment for the child (tests configure the stand-in with it). */
  env?: Record<string, string>;
  /** Restart delays: initialMs doubling up to maxMs; reset after the child ran stableMs. */
  backoff?: { initialMs?: number; maxMs?: number; stableMs?: number };
  /** Told about each child started and ended (the local server's watchdog watches it). */
  onChild?: (pid: number, event: "spawned" | "exited") => void;
}

export interface WaitReadyOptions {
  hostname: string;
  timeoutMs?: number;
  /** Resolves the hostname; true when it has an address. Default: the system resolver. */
  resolve?: (hostname: string) => Promise<boolean>;
  pollMs?: number;
}

export interface CloudflaredStatus {
  state: CloudflaredState;
  pid: number | null;
  restarts: number;
  /** The last ERR/FTL line cloudflared logged since start(), or why it last ended. */
  last_error: string | null;
}

export interface CloudflaredSupervisor {
  readonly logFile: string;
  readonly pidFile: string;
  /** pid of the running child, if any. */
  pid(): number | undefined;
  /** How many times the child was restarted after an unexpected exit. */
  restarts(): number;
  start(): Promise<void>;
  /** Read from the log: the current child counts as connected once it logged a registered connection. */
  status(): Promise<CloudflaredStatus>;
  waitReady(options: WaitReadyOptions): Promise<void>;
  /** Ends the child (SIGTERM, SIGKILL after 5 s) and removes the pid file. */
  stop(): Promise<void>;
}

async function systemResolve(hostname: string): Promise<boolean> {
  try {
    await lookup(hostname);
    return true;
  } catch {
    return false;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch {
    return "";
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return "";
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    await fh.close();
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export function cloudflaredSupervisor(options: CloudflaredOptions): CloudflaredSupervisor {
  const { logFile, pidFile } = cloudflaredFiles(options.stateDir);
  const initialMs = options.backoff?.initialMs ?? 1_000;
  const maxMs = options.backoff?.maxMs ?? 60_000;
  const stableMs = options.backoff?.stableMs ?? 30_000;

  let child: ResultPromise | undefined;
  let stopping = false;
  let restartCount = 0;
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let logOffset = 0;
  /** Where the current child's output starts in the log, so an earlier child's registration does not count. */
  let childLogOffset = 0;
  let lastExit: string | undefined;
  let binary: string | undefined = options.binary;

  async function spawnChild(): Promise<void> {
    binary ??= await findCloudflared();
    const startedAt = Date.now();
    childLogOffset = await fileSize(logFile);
    const proc = execa(binary, ["tunnel", "--no-autoupdate", "run"], {
      env: { ...options.env, TUNNEL_TOKEN: options.token },
      stdin: "ignore",
      stdout: { file: logFile, append: true },
      stderr: { file: logFile, append: true },
      reject: false,
      cleanup: true,
      forceKillAfterDelay: 5_000,
    });
    child = proc;
    const pid = proc.pid;
    if (pid !== undefined) {
      options.onChild?.(pid, "spawned");
      await writeFileAtomic(pidFile, `${pid}\n`, { mode: 0o600 });
    }
    void proc.then((result) => {
      if (pid !== undefined) options.onChild?.(pid, "exited");
      if (child !== proc) return;
      child = undefined;
      if (stopping) return;
      failuresInARow = Date.now() - startedAt >= stableMs ? 0 : failuresInARow + 1;
      const delay = Math.min(maxMs, initialMs * 2 ** Math.max(0, failuresInARow - 1));
      const why = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
      lastExit = `cloudflared ended (${why})`;
      void appendNote(`linkup: cloudflared ended (${why}); restarting in ${delay} ms`);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        restartCount++;
        spawnChild().catch((err: unknown) => {
          lastExit = `could not restart cloudflared: ${(err as Error)?.message ?? String(err)}`;
          void appendNote(`linkup: ${lastExit}`);
        });
      }, delay);
    });
  }

  async function appendNote(line: string): Promise<void> {
    const fh = await open(logFile, "a");
    try {
      await fh.write(`${new Date().toISOString()} ${line}\n`);
    } finally {
      await fh.close();
    }
  }

  function lastError(log: string): string | undefined {
    const errs = log.split("\n").filter((l) => / (ERR|FTL) /.test(l));
    return errs[errs.length - 1]?.trim();
  }

  return {
    logFile,
    pidFile,
    pid: () => child?.pid,
    restarts: () => restartCount,

    async start() {
      if (child) return;
      stopping = false;
      await mkdir(options.stateDir, { recursive: true });
      logOffset = await fileSize(logFile);
      lastExit = undefined;
      await spawnChild();
    },

    async status() {
      const since = await readFrom(logFile, logOffset);
      const last_error = lastError(since) ?? lastExit ?? null;
      const base = { pid: child?.pid ?? null, restarts: restartCount, last_error };
      if (child) {
        const own = await readFrom(logFile, childLogOffset);
        return { ...base, state: REGISTERED.test(own) ? "connected" : "starting" };
      }
      return { ...base, state: !stopping && restartTimer ? "restarting" : "stopped" };
    },

    async waitReady({ hostname, timeoutMs = 60_000, resolve = systemResolve, pollMs = 200 }) {
      const deadline = AbortSignal.timeout(timeoutMs);
      let registered = false;
      let log = "";
      while (!deadline.aborted) {
        if (!registered) {
          log = await readFrom(logFile, logOffset);
          registered = REGISTERED.test(log);
        }
        if (registered && (await resolve(hostname))) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      const seconds = Math.round(timeoutMs / 1000);
      if (!registered) {
        const err = lastError(log);
        throw new LinkupError(
          "cloudflared-not-ready",
          `cloudflared did not register a tunnel connection within ${seconds}s` + (err ? ` (last error: ${err})` : "") +
            `; check ${logFile}, that outbound UDP/TCP port 7844 (or TCP 443) to Cloudflare is allowed, and that the tunnel still exists (\`linkup start\` again re-provisions it)`,
        );
      }
      throw new LinkupError(
        "cloudflared-not-ready",
        `the tunnel is connected but ${hostname} did not resolve within ${seconds}s; check that the DNS record exists in the tunnel zone and that your resolver is not caching a negative answer (try \`dig ${hostname}\`)`,
      );
    },

    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      const proc = child;
      child = undefined;
      if (proc) {
        proc.kill("SIGTERM");
        await proc;
      }
      await rm(pidFile, { force: true });
    },
  };
}

// Runs the real CLI under a pseudo-terminal, as a person would: util-linux `script` gives the
// process a pty for stdout (so isTTY, colour and spinners behave as on a terminal). stderr goes
// to a file, so the terminal output is exactly what stdout printed. No package is needed; a
// machine without `script` fails these tests loudly rather than faking a terminal.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bin = resolve(import.meta.dirname, "../../../bin/linkup.js");

export function scriptPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v script"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("util-linux `script` is needed to run the CLI under a pseudo-terminal (apt-get install bsdutils)");
  }
}

/** Single-quoted for sh. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");

export interface PtyResult {
  code: number;
  /** What the terminal showed (stdout), with \r\n turned into \n. */
  tty: string;
  stderr: string;
}

export interface PtyOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

/** The environment of a terminal session: colour allowed unless the test says otherwise. */
export function terminalEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { LINKUP_CONFIG: _c, FORCE_COLOR: _f, NO_COLOR: _n, ...rest } = process.env;
  return { ...rest, TERM: "xterm-256color", COLUMNS: "200", LINES: "50", ...env };
}

export function runCliPty(args: string[], options: PtyOptions): Promise<PtyResult> {
  const dir = mkdtempSync(join(tmpdir(), "linkup-pty-"));
  const errFile = join(dir, "stderr");
  const command = `exec ${shellQuote(process.execPath)} ${shellQuote(bin)} ${args.map(shellQuote).join(" ")} 2>${shellQuote(errFile)}`;
  return new Promise((ok, fail) => {
    // -q: no "Script started" lines; -e: the child's exit code; -c: the command; /dev/null: no typescript file.
    const child = spawn(scriptPath(), ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: options.cwd,
      env: terminalEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let tty = "";
    child.stdout.on("data", (d: Buffer) => (tty += d.toString()));
    child.stderr.on("data", (d: Buffer) => (tty += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      let stderr = "";
      try {
        stderr = readFileSync(errFile, "utf8");
      } catch {
        stderr = "";
      }
      rmSync(dir, { recursive: true, force: true });
      ok({ code: code ?? -1, tty: tty.replace(/\r\n/g, "\n"), stderr });
    });
    child.stdin.end();
  });
}

export interface RunningPty {
  /** Everything the terminal showed so far (stdout and stderr, as a user sees them), \r\n as \n. */
  output(): string;
  /** Resolves with the match once the output after `from` characters matches (colour codes removed). */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Ctrl-C, typed into the terminal; resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number>;
  kill(): Promise<number>;
}

/** A long-running command (`apply --watch`, `logs -f`) in a pseudo-terminal. */
export function spawnCliPty(args: string[], options: PtyOptions): RunningPty {
  const command = `exec ${shellQuote(process.execPath)} ${shellQuote(bin)} ${args.map(shellQuote).join(" ")}`;
  const child = spawn(scriptPath(), ["-q", "-e", "-c", command, "/dev/null"], {
    cwd: options.cwd,
    env: terminalEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString().replace(/\r\n/g, "\n");
    for (const w of waiters) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number>((ok) => child.on("close", (code) => ok(code ?? -1)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: () => out,
    waitFor(pattern, from = 0, timeoutMs = 30_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const m = pattern.exec(stripAnsi(out.slice(from)));
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            ok(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`timed out waiting for ${pattern}; terminal so far:\n${stripAnsi(out)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async interrupt(timeoutMs = 20_000) {
      if (running()) child.stdin.write("\u0003");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (running()) child.kill("SIGKILL");
      return exited;
    },
  };
}

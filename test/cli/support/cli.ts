// Runs the real CLI process (`node bin/linkup.js ...`, built by the global setup) and collects
// its output; `spawnCli` keeps it running for `--watch`.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const bin = resolve(import.meta.dirname, "../../../bin/linkup.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  env: Record<string, string>;
  input?: string;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { LINKUP_CONFIG: _c, FORCE_COLOR: _f, ...rest } = process.env;
  return { ...rest, NO_COLOR: "1", ...env };
}

export function runCli(args: string[], options: CliRunOptions): Promise<CliResult> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => ok({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export interface RunningCli {
  child: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches, counting only output after `from` characters. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export function spawnCli(args: string[], options: CliRunOptions): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: "pipe" });
  let out = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number>((ok) => child.on("close", (code) => ok(code ?? -1)));
  return {
    child,
    output: () => out,
    waitFor(pattern, from = 0, timeoutMs = 20_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const m = pattern.exec(out.slice(from));
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            ok(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGINT") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// What a command handler may touch of the process: streams, environment, working directory.
// Passed in so handlers stay testable and so colour/TTY decisions are made in one place.
import pc from "picocolors";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** stdout is a terminal: spinners and colour allowed. */
  isTTY: boolean;
  color: ReturnType<typeof pc.createColors>;
  /** `-q/--quiet`: no progress, notes or spinners; results and errors still print. */
  quiet?: boolean;
  /** Asks a question and resolves with the answer line; only when stdin and stdout are terminals. */
  prompt?: (question: string) => Promise<string>;
}

export type ColorWhen = "auto" | "always" | "never";

/** A set variable counts only when not empty (no-color.org); FORCE_COLOR=0 or false turns it off. */
const set = (v: string | undefined) => v !== undefined && v !== "";

/**
 * Whether to colour: `--color=always|never` wins; with `auto`, NO_COLOR turns it off, FORCE_COLOR
 * on (also without a terminal, e.g. CI logs), else a terminal that is not TERM=dumb.
 */
export function colorWanted(when: ColorWhen, env: CliIo["env"], isTTY: boolean): boolean {
  if (when !== "auto") return when === "always";
  if (set(env.NO_COLOR)) return false;
  if (set(env.FORCE_COLOR)) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR!.toLowerCase() !== "false";
  return isTTY && env.TERM !== "dumb";
}

export function processIo(): CliIo {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
    env: process.env,
    cwd: process.cwd(),
    isTTY,
    color: pc.createColors(colorWanted("auto", process.env, isTTY)),
    ...(isTTY && process.stdin.isTTY ? { prompt: askOnTerminal } : {}),
  };
}

/** One question on the terminal; Ctrl-C or Ctrl-D rejects (readline alone would only pause). */
async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const stop = new AbortController();
  rl.once("SIGINT", () => stop.abort());
  rl.once("close", () => stop.abort());
  try {
    return (await rl.question(question, { signal: stop.signal })).trim();
  } catch (e) {
    if (stop.signal.aborted) throw new Error("cancelled at the prompt; nothing was written");
    throw e;
  } finally {
    rl.close();
  }
}

/** The io a command runs with, once the global flags are known (`--color`, `-q`). */
export function withGlobalFlags(io: CliIo, flags: { color: ColorWhen; quiet: boolean }): CliIo {
  return {
    ...io,
    // `auto` keeps the io's own decision (a test's io, or processIo's from the terminal and env).
    ...(flags.color !== "auto" ? { color: pc.createColors(colorWanted(flags.color, io.env, io.isTTY)) } : {}),
    quiet: flags.quiet,
  };
}

/** Progress and notes on stderr: `-q` silences them, results and errors are unaffected. */
export function note(io: CliIo, text: string): void {
  if (!io.quiet) io.err(text);
}

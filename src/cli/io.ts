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
  /** Asks a question and resolves with the answer line; only when stdin and stdout are terminals. */
  prompt?: (question: string) => Promise<string>;
}

export function processIo(): CliIo {
  const isTTY = Boolean(process.stdout.isTTY);
  const useColor = isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
    env: process.env,
    cwd: process.cwd(),
    isTTY,
    color: pc.createColors(useColor),
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

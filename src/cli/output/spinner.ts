// A spinner for steps that wait (starting the daemon, probing health): ora on a TTY only; without
// a TTY the step's text is printed once to stderr so logs still say what happened; `-q` shows
// neither.
import { note, type CliIo } from "../io.js";

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export async function startSpinner(io: CliIo, text: string): Promise<Spinner> {
  if (!io.isTTY || io.quiet) {
    note(io, text);
    return { update: (t) => note(io, t), succeed: () => {}, fail: () => {}, stop: () => {} };
  }
  const { default: ora } = await import("ora");
  const s = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => (s.text = t),
    succeed: (t) => void s.succeed(t),
    fail: (t) => void s.fail(t),
    stop: () => void s.stop(),
  };
}

/** Runs `fn` under a spinner that is always stopped, whatever happens. */
export async function withSpinner<T>(io: CliIo, text: string, fn: (s: Spinner) => Promise<T>): Promise<T> {
  const s = await startSpinner(io, text);
  try {
    const v = await fn(s);
    s.stop();
    return v;
  } catch (e) {
    s.fail();
    throw e;
  }
}

/** One spinner at a time across the steps of a command: `show` replaces the current one, `stop` ends it. */
export function spinnerSlot(io: CliIo): { show(text: string): Promise<void>; stop(): void } {
  let current: Spinner | undefined;
  return {
    async show(text) {
      current?.stop();
      current = await startSpinner(io, text);
    },
    stop() {
      current?.stop();
      current = undefined;
    },
  };
}

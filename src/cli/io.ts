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
  };
}

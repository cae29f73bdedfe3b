// Commands are data: each file under commands/ exports one CommandDef. main.ts turns the list
// into a commander program. Handlers import their heavy modules lazily so `--help` stays fast.
import type { CliIo } from "./io.js";

export interface OptionDef {
  flags: string;
  description: string;
  default?: string | boolean | string[];
  /** Allowed values, shown in help and checked by commander. */
  choices?: string[];
}

export interface CommandDef {
  /** Space-separated for subcommands: "sessions list". */
  name: string;
  aliases?: string[];
  description: string;
  /** commander argument syntax: "<service>", "[name]", "[pairs...]". */
  args?: string[];
  options?: OptionDef[];
  /** Returns the exit code. */
  run(args: unknown[], opts: Record<string, any>, io: CliIo): Promise<number>;
}

/** Options shared by every command that reads the config. */
export const CONFIG_OPTIONS: OptionDef[] = [
  { flags: "-f, --file <file>", description: "config file (`-` reads stdin); default $LINKUP_CONFIG or ./linkup.yaml" },
  { flags: "-c, --config <file>", description: "same as --file (kept for Mentimeter Linkup compatibility)" },
];

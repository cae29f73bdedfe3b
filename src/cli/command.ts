// Commands are data: each file under commands/ exports one CommandDef. main.ts turns the list
// into a commander program. Handlers import their heavy modules lazily so `--help` stays fast.
import type { CliIo } from "./io.js";

export interface OptionDef {
  flags: string;
  description: string;
  default?: string | boolean | string[];
  /** Allowed values, shown in help and checked by commander. */
  choices?: string[];
  /** May be given more than once; the handler gets the values in order, as a list. */
  repeatable?: boolean;
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
  {
    flags: "-f, --file <file>",
    description:
      "config file or a directory holding linkup.yaml (`-` reads stdin); repeat to merge files in order; default $LINKUP_CONFIG, else the nearest linkup.yaml in this folder or above",
    repeatable: true,
  },
  { flags: "--config <file>", description: "same as --file (kept for Mentimeter Linkup compatibility)", repeatable: true },
];

/** `--owner`: whose personal sessions these are (default: the id kept in the state directory). */
export const OWNER_OPTION: OptionDef = {
  flags: "--owner <id>",
  description: "owner id recorded on your personal sessions (default $LINKUP_OWNER, else the id in the state directory); for CI",
};

/** The config source a handler passes on: the `-f`/`--config` lists, the environment and the folder. */
export function configSource(opts: Record<string, any>, io: { env: Readonly<Record<string, string | undefined>>; cwd: string }) {
  return { file: opts.file as string[] | undefined, config: opts.config as string[] | undefined, env: io.env, cwd: io.cwd };
}

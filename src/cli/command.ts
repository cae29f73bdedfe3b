// Commands are data: each file under commands/ exports one `defineCommand({...})`. Its option and
// positional definitions give the handler's argument type (as wrangler's CommandDefinition<Args>
// does), so a renamed or mistyped flag fails to compile. main.ts turns the list into a commander
// program, runs `validate` before the handler and reports every error in one place. Handlers
// import their heavy modules lazily so `linkup --help` stays fast.
import type { ApiTrace } from "../clients/api-fetch.js";
import type { LinkupSettings } from "../core/settings.js";
import type { ContextSource } from "../reconcile/context.js";
import type { CliIo } from "./io.js";

export interface OptionSpec {
  /**
   * "string": `--name <value>`; "boolean": `--name`; "array": `--name <values...>` (one or more);
   * "list": `--name <value>`, repeatable (`-f a -f b`), the values in order.
   */
  type: "string" | "boolean" | "array" | "list";
  description: string;
  /** One-letter short form: `alias: "f"` -> `-f`. */
  alias?: string;
  /** Shown in help as `--name <valueName>`; default: the option's name. */
  valueName?: string;
  /** Allowed values (strings only), shown in help and checked before the handler runs. */
  choices?: readonly string[];
  /** For "string" options; without one the value may be undefined. */
  default?: string;
  /**
   * For "string" options: the value is optional (`--name[=value]`) and a bare `--name` means this
   * one (`--dry-run` = `--dry-run=client`, as kubectl has it). Give the value with `=`.
   */
  preset?: string;
  /** What the shell completes after this option: files, or a dynamic list (`__complete`). */
  complete?: "files" | "services" | "sessions";
}

export interface PositionalSpec {
  name: string;
  description?: string;
  /** `<name>` rather than `[name]`. */
  required?: boolean;
  /** Takes every remaining argument: `[name...]`; the handler gets a (possibly empty) list. */
  variadic?: boolean;
  choices?: readonly string[];
  /** What the shell completes here (see OptionSpec.complete). */
  complete?: "files" | "services" | "sessions";
}

/** One entry of the `Examples:` block that `--help` and docs/cli.md show. */
export interface Example {
  /** What it does, shown as a `#` comment above the command. */
  description: string;
  /** The full command line, starting with `linkup`. */
  command: string;
}

type OptionSpecs = Record<string, OptionSpec>;
type PositionalSpecs = readonly PositionalSpec[];

/** "dry-run" -> "dryRun", as commander names option values. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type Choice<O> = O extends { choices: readonly (infer C extends string)[] } ? C : string;

export type OptionValue<O extends OptionSpec> = O["type"] extends "boolean"
  ? boolean
  : O["type"] extends "array" | "list"
    ? Choice<O>[]
    : Choice<O> | (O extends { default: string } ? never : undefined);

export type PositionalValue<P extends PositionalSpec> = P extends { variadic: true }
  ? Choice<P>[]
  : Choice<P> | (P extends { required: true } ? never : undefined);

/** What a handler receives: every option (camel-cased) and every positional, typed from their specs. */
export type ArgsOf<O extends OptionSpecs, P extends PositionalSpecs> = {
  -readonly [K in keyof O & string as CamelCase<K>]: OptionValue<O[K]>;
} & {
  -readonly [E in P[number] as CamelCase<E["name"]>]: PositionalValue<E>;
};

/** What a handler may use besides its arguments. */
export interface CommandContext {
  io: CliIo;
  /** The environment, parsed once by core/settings.ts (bad values end the command before the handler runs). */
  settings: LinkupSettings;
  /** With `-v/--verbose`: prints each API call, its status and time (to stderr). */
  trace?: ApiTrace;
}

export interface CommandDefinition<O extends OptionSpecs = OptionSpecs, P extends PositionalSpecs = PositionalSpecs> {
  /** Space-separated for subcommands: "sessions list". */
  name: string;
  aliases?: readonly string[];
  description: string;
  /** The `Examples:` block of `--help` (and of docs/cli.md, which a test keeps equal). At least one. */
  examples: readonly [Example, ...Example[]];
  /** Left out of help and completion (`__complete`). */
  hidden?: boolean;
  positionals?: P;
  options?: O;
  /**
   * Argument checks that need no I/O, run before the handler: a message for the user, or
   * undefined when the arguments are fine. main.ts reports it like any error, exit code 2.
   */
  validate?(args: ArgsOf<O, P>): string | undefined;
  /** Does the work (one call, usually) and prints; returns the exit code (cli/exit-codes.ts). */
  handler(args: ArgsOf<O, P>, ctx: CommandContext): Promise<number>;
}

/** A definition of any argument shape, for lists (commands/index.ts) and for main.ts. */
export type AnyCommand = CommandDefinition<any, any>;

/** Identity at runtime; at compile time it infers the handler's argument type from the specs. */
export function defineCommand<const O extends OptionSpecs = {}, const P extends PositionalSpecs = []>(
  definition: CommandDefinition<O, P>,
): CommandDefinition<O, P> {
  return definition;
}

/** Options of every command that reads the config. */
export const CONFIG_OPTIONS = {
  file: {
    type: "list",
    alias: "f",
    valueName: "file",
    description:
      "config file, or a directory holding linkup.yaml (`-` reads stdin); repeat to merge files in order; default $LINKUP_CONFIG, else the nearest linkup.yaml here or above",
    complete: "files",
  },
  config: { type: "list", alias: "c", valueName: "file", description: "same as --file (kept for Mentimeter Linkup compatibility)", complete: "files" },
} as const satisfies OptionSpecs;

/** `--owner`: whose personal sessions these are (commands that plan, write or list sessions). */
export const OWNER_OPTION = {
  owner: {
    type: "string",
    valueName: "id",
    description: "owner id recorded on your personal sessions (default $LINKUP_OWNER, else the id in the state directory); for CI",
  },
} as const satisfies OptionSpecs;

export const JSON_OPTION = { json: { type: "boolean", description: "print the result as JSON" } } as const satisfies OptionSpecs;

/**
 * Where the config comes from: -f (repeatable), else --config, else LINKUP_CONFIG, else the
 * nearest linkup.yaml here or above; and, for commands with OWNER_OPTION, --owner.
 */
export function configSource(args: { file: string[]; config: string[]; owner?: string | undefined }, { io, settings, trace }: CommandContext): ContextSource {
  return {
    ...(args.file.length > 0 ? { file: args.file } : {}),
    ...(args.config.length > 0 ? { config: args.config } : {}),
    ...(settings.configFile !== undefined ? { envFile: settings.configFile } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    env: io.env,
    cwd: io.cwd,
    settings,
    ...(trace ? { trace } : {}),
  };
}

/** The config files named on the command line (-f, else --config). */
export function namedFiles(args: { file: string[]; config: string[] }): string[] {
  return args.file.length > 0 ? args.file : args.config;
}

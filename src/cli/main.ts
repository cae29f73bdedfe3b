// The `linkup` entry point: builds the commander program from the command definitions, runs each
// command's argument checks, parses the settings (core/settings.ts) and turns every error into
// one line and an exit code, in this one place. The global flags (-q, -v, --color) are applied
// here too, so no command reads them itself.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigError, LinkupError } from "../core/errors.js";
import { parseSettings } from "../core/settings.js";
import type { ApiTrace } from "../clients/api-fetch.js";
import type { AnyCommand, OptionSpec, PositionalSpec } from "./command.js";
import { commands, groupDescriptions, programExamples } from "./commands/index.js";
import { didYouMean } from "./did-you-mean.js";
import { examplesText } from "./examples.js";
import { EXIT } from "./exit-codes.js";
import { processIo, withGlobalFlags, type CliIo, type ColorWhen } from "./io.js";
import { CLI_VERSION } from "./version.js";

/** Checks a value against its choices, suggesting the nearest one (`locall` -> "local"). */
function choiceParser(choices: readonly string[]) {
  return (value: string, previous: unknown) => {
    if (choices.includes(value)) return Array.isArray(previous) ? [...(previous as string[]), value] : value;
    const near = didYouMean(value, choices);
    throw new InvalidArgumentError(`Allowed choices are ${choices.join(", ")}.${near ? ` Did you mean "${near}"?` : ""}`);
  };
}

function commanderOption(name: string, spec: OptionSpec): Option {
  const short = spec.alias ? `-${spec.alias}, ` : "";
  const valueName = spec.valueName ?? name;
  const value =
    spec.type === "boolean" ? "" : spec.type === "array" ? ` <${valueName}...>` : spec.preset !== undefined ? ` [${valueName}]` : ` <${valueName}>`;
  const option = new Option(`${short}--${name}${value}`, spec.description);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.preset !== undefined) option.preset(spec.preset);
  if (spec.choices) option.choices(spec.choices).argParser(choiceParser(spec.choices));
  if (spec.type === "list") option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

function commanderArgument(spec: PositionalSpec): Argument {
  const inner = `${spec.name}${spec.variadic ? "..." : ""}`;
  const argument = new Argument(spec.required ? `<${inner}>` : `[${inner}]`, spec.description);
  if (spec.choices) argument.choices(spec.choices).argParser(choiceParser(spec.choices));
  return argument;
}

/**
 * A bare `--dry-run` means its preset (`--dry-run=client`) and never takes the next word as its
 * value, as kubectl's flags behave: a value is given with `=` only, so `sessions delete --dry-run
 * pr-42` still deletes (in a dry run) the session pr-42.
 */
export function withPresetValues(args: readonly string[], presets: ReadonlyMap<string, string>): string[] {
  const end = args.indexOf("--");
  return args.map((a, i) => ((end === -1 || i < end) && presets.has(a) ? `${a}=${presets.get(a)}` : a));
}

/** The flags every command takes, read before the handler runs. */
interface GlobalFlags {
  quiet: boolean;
  verbose: boolean;
  color: ColorWhen;
}

function traceTo(io: CliIo): ApiTrace {
  return (c) => io.err(io.color.dim(`${c.method} ${c.url} ${c.status ?? `failed (${c.error ?? "no answer"})`} in ${c.ms} ms`));
}

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The handler's arguments: positionals by name, options camel-cased, booleans and lists never undefined. */
function argsFor(def: AnyCommand, positionals: unknown[], opts: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries((def.options ?? {}) as Record<string, OptionSpec>)) {
    const key = camelCase(name);
    const v = opts[key];
    args[key] = spec.type === "boolean" ? Boolean(v) : spec.type === "array" || spec.type === "list" ? ((v as string[] | undefined) ?? []) : v;
  }
  ((def.positionals ?? []) as readonly PositionalSpec[]).forEach((spec, i) => {
    args[camelCase(spec.name)] = spec.variadic ? ((positionals[i] as string[] | undefined) ?? []) : positionals[i];
  });
  return args;
}

export function buildProgram(
  defs: readonly AnyCommand[],
  io: CliIo,
  setExit: (code: number) => void,
  groups: Record<string, string> = groupDescriptions,
): Command {
  const program = new Command("linkup")
    .description("Run only the services you change; Linkup routes the rest to shared deployed copies.")
    .version(CLI_VERSION, "--version", "print the CLI's version (`linkup version` also asks the servers)")
    .option("-q, --quiet", "no progress, notes or spinners (results and errors still print)")
    .option("-v, --verbose", "show each API call, its status and time (on stderr)")
    // Mentimeter's `linkup -c FILE <command>`, so old scripts keep working; a command's own -f wins.
    .option("-c, --config <file>", "config file for the command (same as its -f/--config)")
    .addOption(
      new Option("--color <when>", "colour: auto (a terminal; FORCE_COLOR, NO_COLOR), always, never")
        .choices(["auto", "always", "never"])
        .argParser(choiceParser(["auto", "always", "never"]))
        .default("auto"),
    )
    // Before any subcommand exists, so they all inherit it: commander's own messages go through io.
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, "")), writeErr: (s) => io.err(s.replace(/\n$/, "")) })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", `\n${examplesText(programExamples)}`)
    .exitOverride();
  const groupCommands = new Map<string, Command>();
  for (const def of defs) {
    const words = def.name.split(" ");
    let parent = program;
    for (const word of words.slice(0, -1)) {
      let group = groupCommands.get(word);
      if (!group) {
        group = parent.command(word).description(groups[word] ?? `${word} commands`).exitOverride();
        groupCommands.set(word, group);
      }
      parent = group;
    }
    const cmd = parent
      .command(words[words.length - 1]!, { hidden: def.hidden ?? false })
      .description(def.description)
      .addHelpText("after", `\n${examplesText(def.examples)}`)
      .exitOverride();
    for (const a of def.aliases ?? []) cmd.alias(a);
    for (const p of (def.positionals ?? []) as readonly PositionalSpec[]) cmd.addArgument(commanderArgument(p));
    const options = Object.entries((def.options ?? {}) as Record<string, OptionSpec>);
    for (const [name, spec] of options) cmd.addOption(commanderOption(name, spec));
    const presets = new Map(options.flatMap(([name, spec]) => (spec.preset !== undefined ? [[`--${name}`, spec.preset] as const] : [])));
    if (presets.size > 0) {
      const parseOptions = cmd.parseOptions.bind(cmd);
      cmd.parseOptions = (args: string[]) => parseOptions(withPresetValues(args, presets));
    }
    cmd.action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const opts = command.opts();
      // Mentimeter's global `-c FILE` before the command stands for the command's own --config.
      const global = program.opts().config as string | undefined;
      if (global !== undefined && opts.config === undefined) opts.config = [global];
      // The shape ArgsOf<> promises, built from the same specs at runtime.
      const args = argsFor(def, received.slice(0, -2), opts) as Parameters<AnyCommand["handler"]>[0];
      const problem = def.validate?.(args);
      if (problem !== undefined) throw new ConfigError("invalid-arguments", problem, { hint: `see \`linkup ${def.name} --help\`` });
      // After the arguments, before any work: a bad LINKUP_* value stops every command the same way.
      const settings = parseSettings(io.env);
      const flags = program.opts<GlobalFlags>();
      const cmdIo = withGlobalFlags(io, { color: flags.color, quiet: Boolean(flags.quiet) });
      setExit(await def.handler(args, { io: cmdIo, settings, ...(flags.verbose ? { trace: traceTo(cmdIo) } : {}) }));
    });
  }
  return program;
}

export function reportError(e: unknown, io: CliIo): number {
  let debug = false;
  try {
    debug = parseSettings(io.env).debug;
  } catch {
    // The error being reported may be that very setting; report it without a stack.
  }
  if (e instanceof LinkupError) {
    io.err(`${io.color.red("error:")} ${e.message}${e.hint ? `\n${io.color.dim("hint:")} ${e.hint}` : ""}`);
  } else {
    io.err(`${io.color.red("error:")} ${(e as Error)?.message ?? String(e)} (set LINKUP_DEBUG=1 for details)`);
  }
  if (debug && e instanceof Error && e.stack) io.err(e.stack);
  return EXIT.ERROR;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(commands, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    return reportError(e, io);
  }
}

// The `linkup` entry point: builds the commander program from the command definitions, runs each
// command's argument checks, parses the settings (core/settings.ts) and turns every error into
// one line and an exit code, in this one place.
import { Argument, Command, CommanderError, Option } from "commander";
import { ConfigError, LinkupError } from "../core/errors.js";
import { parseSettings } from "../core/settings.js";
import type { AnyCommand, OptionSpec, PositionalSpec } from "./command.js";
import { commands, groupDescriptions } from "./commands/index.js";
import { EXIT } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { CLI_VERSION } from "./version.js";

function commanderOption(name: string, spec: OptionSpec): Option {
  const short = spec.alias ? `-${spec.alias}, ` : "";
  const value = spec.type === "boolean" ? "" : spec.type === "array" ? ` <${spec.valueName ?? name}...>` : ` <${spec.valueName ?? name}>`;
  const option = new Option(`${short}--${name}${value}`, spec.description);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.choices) option.choices(spec.choices);
  if (spec.type === "list") option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

function commanderArgument(spec: PositionalSpec): Argument {
  const inner = `${spec.name}${spec.variadic ? "..." : ""}`;
  const argument = new Argument(spec.required ? `<${inner}>` : `[${inner}]`, spec.description);
  if (spec.choices) argument.choices(spec.choices);
  return argument;
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
    .version(CLI_VERSION, "-v, --version")
    // Mentimeter's `linkup -c FILE <command>`, so old scripts keep working; a command's own -f wins.
    .option("-c, --config <file>", "config file for the command (same as its -f/--config)")
    .showHelpAfterError("(run with --help for usage)")
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
    const cmd = parent.command(words[words.length - 1]!).description(def.description).exitOverride();
    for (const a of def.aliases ?? []) cmd.alias(a);
    for (const p of (def.positionals ?? []) as readonly PositionalSpec[]) cmd.addArgument(commanderArgument(p));
    for (const [name, spec] of Object.entries((def.options ?? {}) as Record<string, OptionSpec>)) cmd.addOption(commanderOption(name, spec));
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
      setExit(await def.handler(args, { io, settings }));
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
  program.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, "")), writeErr: (s) => io.err(s.replace(/\n$/, "")) });
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

// The `linkup` entry point: builds the commander program from the command definitions and turns
// every error into one line and an exit code, in this one place.
import { Command, CommanderError, Option } from "commander";
import { LinkupError } from "../core/errors.js";
import type { CommandDef } from "./command.js";
import { commands, groupDescriptions } from "./commands/index.js";
import { EXIT } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { CLI_VERSION } from "./version.js";


export function buildProgram(
  defs: CommandDef[],
  io: CliIo,
  setExit: (code: number) => void,
  groups: Record<string, string> = groupDescriptions,
): Command {
  const program = new Command("linkup")
    .description("Run only the services you change; Linkup routes the rest to shared deployed copies.")
    .version(CLI_VERSION, "-v, --version")
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
    for (const a of def.args ?? []) cmd.argument(a);
    for (const o of def.options ?? []) {
      const opt = new Option(o.flags, o.description);
      if (o.default !== undefined) opt.default(o.default);
      if (o.choices) opt.choices(o.choices);
      if (o.repeatable) opt.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      cmd.addOption(opt);
    }
    cmd.action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const args = received.slice(0, -2);
      setExit(await def.run(args, command.opts(), io));
    });
  }
  return program;
}

export function reportError(e: unknown, io: CliIo): number {
  const debug = io.env.LINKUP_DEBUG === "1";
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

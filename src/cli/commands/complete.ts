// `linkup __complete -- <words...>` (hidden): what the completion scripts call on every Tab. Prints
// the candidates for the last word, one per line, then `:files` or `:values` (cli/complete.ts).
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const completeCommand = defineCommand({
  name: "__complete",
  hidden: true,
  description: "print completions for the words typed so far (called by the shell scripts of `linkup completion`)",
  examples: [{ description: "What Tab offers after `linkup route local `", command: "linkup __complete -- route local ''" }],
  positionals: [{ name: "words", variadic: true, description: "the words after `linkup`; the last one is being completed" }],
  async handler(args, { io, settings }) {
    const { complete, completionOutput } = await import("../complete.js");
    const { commands } = await import("./index.js");
    const { completionServices, completionSessions } = await import("../../operations/completion-values.js");
    const source = (config: string | undefined) => ({
      ...(config !== undefined ? { file: config } : settings.configFile !== undefined ? { envFile: settings.configFile } : {}),
      env: io.env,
      cwd: io.cwd,
    });
    const result = await complete(commands, args.words.length ? args.words : [""], {
      services: async (config) => completionServices(source(config)),
      sessions: (config) => completionSessions(source(config), settings),
    });
    io.out(completionOutput(result));
    return EXIT.OK;
  },
});

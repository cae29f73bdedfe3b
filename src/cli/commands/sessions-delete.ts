// `linkup sessions delete NAME [--ignore-not-found]`: remove a session from every side that holds it.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsDeleteCommand: CommandDef = {
  name: "sessions delete",
  description: "delete a session from the worker and the local server",
  args: ["<name>"],
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--ignore-not-found", description: "exit 0 when no side holds the session (CI cleanup)" },
    { flags: "--json", description: "print the result as JSON" },
  ],
  async run(args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { deleteSession } = await import("../../operations/sessions.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    const name = args[0] as string;
    const placements = await deleteSession(ctx, name, { ignoreNotFound: Boolean(opts.ignoreNotFound) });
    if (opts.json) io.out(JSON.stringify({ name, deleted: placements }, null, 2));
    else if (placements.length === 0) io.out(`session/${name} not found (nothing to delete)`);
    else io.out(`session/${name} deleted (${placements.join(", ")})`);
    return EXIT.OK;
  },
};

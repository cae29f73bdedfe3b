// `linkup sessions delete NAME`: remove a session from every side that holds it.
import { CONFIG_OPTIONS, configSource, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsDeleteCommand: CommandDef = {
  name: "sessions delete",
  description: "delete a session from the worker and the local server",
  args: ["<name>"],
  options: [...CONFIG_OPTIONS, { flags: "--json", description: "print the result as JSON" }],
  async run(args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { deleteSession } = await import("../../operations/sessions.js");
    const ctx = openContext(configSource(opts, io));
    const name = args[0] as string;
    const placements = await deleteSession(ctx, name);
    if (opts.json) io.out(JSON.stringify({ name, deleted: placements }, null, 2));
    else io.out(`session/${name} deleted (${placements.join(", ")})`);
    return EXIT.OK;
  },
};

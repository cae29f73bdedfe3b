// `linkup sessions delete NAME [--ignore-not-found]`: remove a session from every side that holds it.
import { CONFIG_OPTIONS, configSource, defineCommand, JSON_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsDeleteCommand = defineCommand({
  name: "sessions delete",
  description: "delete a session from the worker and the local server",
  positionals: [{ name: "name", required: true, description: "the session to delete" }],
  options: {
    ...CONFIG_OPTIONS,
    "ignore-not-found": { type: "boolean", description: "exit 0 when no side holds the session (CI cleanup)" },
    ...JSON_OPTION,
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { deleteSession } = await import("../../operations/sessions.js");
    const ctx = openContext(configSource(args, cx));
    const placements = await deleteSession(ctx, args.name, { ignoreNotFound: args.ignoreNotFound });
    if (args.json) io.out(JSON.stringify({ name: args.name, deleted: placements }, null, 2));
    else if (placements.length === 0) io.out(`session/${args.name} not found (nothing to delete)`);
    else io.out(`session/${args.name} deleted (${placements.join(", ")})`);
    return EXIT.OK;
  },
});

// `linkup sessions delete NAME`: remove a session from every side that holds it.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, NAMED_OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsDeleteCommand = defineCommand({
  name: "sessions delete",
  description: "delete a session from the worker and the local server",
  examples: [
    { description: "Delete a session wherever it lives", command: "linkup sessions delete pr-42" },
    { description: "Check the delete with the servers first, removing nothing", command: "linkup sessions delete pr-42 --dry-run=server" },
  ],
  positionals: [{ name: "name", required: true, description: "the session to delete", complete: "sessions" }],
  options: {
    ...CONFIG_OPTIONS,
    "dry-run": {
      type: "string",
      valueName: "strategy",
      preset: "client",
      choices: ["none", "client", "server"],
      description: "client (bare --dry-run): say where it would be deleted; server: the servers check the delete and keep the session",
    },
    ...NAMED_OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { deleteSession } = await import("../../operations/sessions.js");
    const dryRun = args.dryRun === "client" || args.dryRun === "server" ? args.dryRun : undefined;
    const ctx = openContext({ ...configSource(args, cx), ...(dryRun === "server" ? { dryRun: true } : {}) });
    const placements = await deleteSession(ctx, args.name, dryRun === "client");
    await printResult(io, format, {
      data: { name: args.name, deleted: placements, ...(dryRun ? { dry_run: dryRun } : {}) },
      names: () => [sessionRef(args.name)],
      text: () => io.out(`${sessionRef(args.name)} deleted (${placements.join(", ")})${dryRun ? ` (${dryRun} dry run)` : ""}`),
    });
    return EXIT.OK;
  },
});

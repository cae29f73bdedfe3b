// `linkup sessions delete NAME [--ignore-not-found] [--dry-run[=client|server]]`: remove a session
// from every side that holds it.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, NAMED_OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsDeleteCommand = defineCommand({
  name: "sessions delete",
  description: "delete a session from the worker and the local server",
  examples: [
    { description: "Delete a session wherever it lives", command: "linkup sessions delete pr-42" },
    { description: "Clean up after a CI job, fine if it is already gone", command: "linkup sessions delete pr-42 --ignore-not-found" },
    { description: "Check the delete with the servers first, removing nothing", command: "linkup sessions delete pr-42 --dry-run=server" },
  ],
  positionals: [{ name: "name", required: true, description: "the session to delete", complete: "sessions" }],
  options: {
    ...CONFIG_OPTIONS,
    "ignore-not-found": { type: "boolean", description: "exit 0 when no side holds the session (CI cleanup)" },
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
    const placements = await deleteSession(ctx, args.name, { ignoreNotFound: args.ignoreNotFound, planOnly: dryRun === "client" });
    await printResult(io, format, {
      data: { name: args.name, deleted: placements, ...(dryRun ? { dry_run: dryRun } : {}) },
      names: () => (placements.length ? [sessionRef(args.name)] : []),
      text: () =>
        io.out(
          placements.length === 0
            ? `${sessionRef(args.name)} not found (nothing to delete)`
            : `${sessionRef(args.name)} deleted (${placements.join(", ")})${dryRun ? ` (${dryRun} dry run)` : ""}`,
        ),
    });
    return EXIT.OK;
  },
});

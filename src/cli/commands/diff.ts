// `linkup diff [-f FILE] [--output json]`: what `apply` would change; plan and stop. Exit 0 no
// change, 1 changes, 2 on any error (argument errors included), so it works as a CI check.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const diffCommand = defineCommand({
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  options: {
    ...CONFIG_OPTIONS,
    prune: { type: "boolean", description: "also show the deletions `apply --prune` would make" },
    output: { type: "string", alias: "o", valueName: "format", description: "output format", choices: ["text", "json"], default: "text" },
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { computePlan } = await import("../../reconcile/reconcile.js");
    const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
    const { hasChanges } = await import("../../reconcile/plan.js");
    const ctx = openContext(configSource(args, cx));
    // Before the first `start` nothing runs locally: a side that is not up counts as empty. A
    // worker_url that does not answer is an error (the diff would be meaningless).
    const r = await computePlan(ctx, { prune: args.prune, reach: ctx.embeddedWorker ? [] : ["worker"] });
    if (args.output === "json")
      io.out(JSON.stringify({ ...diffJson(r.actions), unavailable: r.actual.unavailable.map((u) => u.placement) }, null, 2));
    else {
      for (const u of r.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
      io.out(renderDiff(r.actions, io.color));
    }
    return hasChanges(r.actions) ? EXIT.CHANGES : EXIT.OK;
  },
});

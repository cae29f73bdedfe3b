// `linkup diff [-f FILE] [--output json]`: what `apply` would change. Exit 0 no change, 1 changes,
// 2 on any error (argument errors included), so it works as a CI check.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const diffCommand: CommandDef = {
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--prune", description: "also show the deletions `apply --prune` would make" },
    { flags: "-o, --output <format>", description: "output format", choices: ["text", "json"], default: "text" },
  ],
  async run(_args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { computePlan } = await import("../../reconcile/reconcile.js");
    const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
    const { hasChanges } = await import("../../reconcile/plan.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    // Before the first `start` nothing runs locally: a side that is not up counts as empty.
    const tolerate = ctx.embeddedWorker ? (["local", "worker"] as const) : (["local"] as const);
    const r = await computePlan(ctx, { prune: Boolean(opts.prune), tolerate: [...tolerate] });
    if (r.personalNote) io.err(io.color.yellow(`warning: ${r.personalNote}`));
    if (opts.output === "json")
      io.out(JSON.stringify({ ...diffJson(r.actions), unavailable: r.actual.unavailable.map((u) => u.placement) }, null, 2));
    else {
      for (const u of r.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
      io.out(renderDiff(r.actions, io.color));
    }
    return hasChanges(r.actions) ? EXIT.CHANGES : EXIT.OK;
  },
};

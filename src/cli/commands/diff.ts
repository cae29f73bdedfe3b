// `linkup diff [-f FILE] [-o ...]`: what `apply` would change; plan and stop. Exit 0 no change, 1
// changes, 2 on any error (argument errors included), so it works as a CI check. With
// LINKUP_EXTERNAL_DIFF the two YAML trees go to that program instead of the built-in diff.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const diffCommand = defineCommand({
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  examples: [
    { description: "Show what `linkup apply` would change", command: "linkup diff" },
    { description: "Fail a CI step when the live sessions differ from the config", command: "linkup diff -f linkup.yaml -q >/dev/null" },
    { description: "List only the sessions that would change", command: "linkup diff -o name" },
    { description: "Compare the YAML trees with your own diff program", command: "LINKUP_EXTERNAL_DIFF='diff -N -u' linkup diff" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    prune: { type: "boolean", description: "also show the deletions `apply --prune` would make" },
    ...OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io, settings } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { computePlan } = await import("../../reconcile/reconcile.js");
    const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
    const { hasChanges } = await import("../../reconcile/plan.js");
    const ctx = openContext(configSource(args, cx));
    // Before the first `start` nothing runs locally: a side that is not up counts as empty. A
    // worker_url that does not answer is an error (the diff would be meaningless).
    const r = await computePlan(ctx, { prune: args.prune, reach: ctx.embeddedWorker ? [] : ["worker"] });
    const diff = diffJson(r.actions);
    const changed = hasChanges(r.actions);
    await printResult(io, format, {
      data: { ...diff, unavailable: r.actual.unavailable.map((u) => u.placement) },
      names: () => diff.sessions.map((s) => sessionRef(s.name)).filter((n, i, all) => all.indexOf(n) === i),
      async text(wide) {
        for (const u of r.actual.unavailable) note(io, io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
        if (settings.externalDiff) {
          const { runExternalDiff } = await import("../../operations/external-diff.js");
          const ext = await runExternalDiff(settings.externalDiff, r.actions);
          if (ext.stdout) io.out(ext.stdout.replace(/\n$/, ""));
          if (ext.stderr) io.err(ext.stderr.replace(/\n$/, ""));
          if (ext.exitCode > 1) {
            const { LinkupError } = await import("../../core/errors.js");
            throw new LinkupError("external-diff", `LINKUP_EXTERNAL_DIFF program exited with ${ext.exitCode}`);
          }
          return;
        }
        io.out(renderDiff(r.actions, io.color));
        if (wide) {
          const { describeChanges } = await import("../output/watch-report.js");
          for (const s of diff.sessions) if (s.changes.length) io.out(`session/${s.name} (${s.placements.join(", ")}): ${describeChanges(s.changes)}`);
          for (const u of diff.unchanged) io.out(io.color.dim(`session/${u} unchanged`));
        }
      },
    });
    return changed ? EXIT.CHANGES : EXIT.OK;
  },
});

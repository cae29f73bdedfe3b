// `linkup diff [-f FILE] [--output json]`: what `apply` would change. Exit 0 no change, 1 changes,
// 2 on any error (argument errors included), so it works as a CI check.
// Offline forms, with no server and no token (code review in CI): `linkup diff --base REF` compares
// the config as committed at REF with the working tree, `linkup diff OLD.yaml NEW.yaml` two files.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const diffCommand: CommandDef = {
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  args: ["[files...]"],
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--prune", description: "also show the deletions `apply --prune` would make" },
    { flags: "--base <ref>", description: "compare with the config as committed at this git ref (no server needed), e.g. origin/main" },
    { flags: "-o, --output <format>", description: "output format", choices: ["text", "json", "markdown"], default: "text" },
  ],
  async run(args, opts, io) {
    const files = (args[0] as string[] | undefined) ?? [];
    if (opts.base !== undefined || files.length > 0) {
      const { runOfflineDiff } = await import("../output/offline-diff-report.js");
      return runOfflineDiff({ files, base: opts.base, file: opts.file, config: opts.config, output: opts.output }, io);
    }
    const { openContext } = await import("../../reconcile/context.js");
    const { computePlan } = await import("../../reconcile/reconcile.js");
    const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
    const { hasChanges } = await import("../../reconcile/plan.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    // Before the first `start` nothing runs locally: a side that is not up counts as empty.
    const tolerate = ctx.embeddedWorker ? (["local", "worker"] as const) : (["local"] as const);
    // With the clock, a session past its expiry shows as a pending renewal.
    const r = await computePlan(ctx, { prune: Boolean(opts.prune), tolerate: [...tolerate], now: Date.now() });
    if (opts.output === "json")
      io.out(JSON.stringify({ ...diffJson(r.actions), unavailable: r.actual.unavailable.map((u) => u.placement) }, null, 2));
    else if (opts.output === "markdown") {
      const { renderMarkdown } = await import("../../reconcile/render-markdown.js");
      const { overview } = await import("../../reconcile/change-overview.js");
      const { maskDeep } = await import("../../reconcile/mask-secrets.js");
      for (const u of r.actual.unavailable) io.err(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`);
      io.out(renderMarkdown({ from: "live sessions", to: ctx.loaded.file, actions: maskDeep(r.actions), overview: maskDeep(overview(r.actions)) }));
    } else {
      for (const u of r.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
      io.out(renderDiff(r.actions, io.color));
    }
    return hasChanges(r.actions) ? EXIT.CHANGES : EXIT.OK;
  },
};

// `linkup diff [-f FILE] [--output json|markdown]`: what `apply` would change; plan and stop. Exit
// 0 no change, 1 changes, 2 on any error (argument errors included), so it works as a CI check.
// Offline forms, with no server and no token (code review in CI): `linkup diff --base REF` compares
// the config as committed at REF with the working tree, `linkup diff OLD.yaml NEW.yaml` two files.
import { CONFIG_OPTIONS, configSource, defineCommand, namedFiles, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const diffCommand = defineCommand({
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  positionals: [{ name: "files", variadic: true, description: "OLD NEW: compare two config files (no server needed)" }],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    prune: { type: "boolean", description: "also show the deletions `apply --prune` would make" },
    base: { type: "string", valueName: "ref", description: "compare with the config as committed at this git ref (no server needed), e.g. origin/main" },
    output: { type: "string", alias: "o", valueName: "format", description: "output format", choices: ["text", "json", "markdown"], default: "text" },
  },
  validate(args) {
    if (args.files.length === 0) return undefined;
    if (args.files.length !== 2) return `diff takes two files (OLD NEW), got ${args.files.length}; or use --base REF`;
    if (args.base !== undefined) return "give either --base REF or two files, not both";
    if (namedFiles(args).length > 0) return "-f/--config do not apply when two files are given";
    return undefined;
  },
  async handler(args, cx) {
    const { io } = cx;
    if (args.base !== undefined || args.files.length > 0) {
      const { runOfflineDiff } = await import("../output/offline-diff-report.js");
      return runOfflineDiff({ files: args.files, base: args.base, source: configSource(args, cx), output: args.output }, io);
    }
    const { openContext } = await import("../../reconcile/context.js");
    const { computePlan } = await import("../../reconcile/reconcile.js");
    const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
    const { hasChanges } = await import("../../reconcile/plan.js");
    const ctx = openContext(configSource(args, cx));
    // Before the first `start` nothing runs locally: a side that is not up counts as empty. A
    // worker_url that does not answer is an error (the diff would be meaningless). With the clock,
    // a session past its expiry shows as a pending renewal.
    const r = await computePlan(ctx, { prune: args.prune, reach: ctx.embeddedWorker ? [] : ["worker"], now: Date.now() });
    if (args.output === "json")
      io.out(JSON.stringify({ ...diffJson(r.actions), unavailable: r.actual.unavailable.map((u) => u.placement) }, null, 2));
    else if (args.output === "markdown") {
      const { renderMarkdown } = await import("../../reconcile/render-markdown.js");
      const { overview } = await import("../../reconcile/change-overview.js");
      const { maskDeep } = await import("../../core/mask-secrets.js");
      for (const u of r.actual.unavailable) io.err(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`);
      io.out(renderMarkdown({ from: "live sessions", to: ctx.loaded.file, actions: maskDeep(r.actions), overview: maskDeep(overview(r.actions)) }));
    } else {
      for (const u of r.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
      io.out(renderDiff(r.actions, io.color));
    }
    return hasChanges(r.actions) ? EXIT.CHANGES : EXIT.OK;
  },
});

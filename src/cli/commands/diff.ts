// `linkup diff [-f FILE] [-o text|wide|json|yaml|name|markdown]`: what `apply` would change; plan
// and stop. Exit 0 no change, 1 changes, 2 on any error (argument errors included), so it works as
// a CI check. With LINKUP_EXTERNAL_DIFF the two YAML trees go to that program instead of the
// built-in diff. Offline forms, with no server and no token (code review in CI): `linkup diff
// --base REF` compares the config as committed at REF with the working tree, `linkup diff OLD.yaml
// NEW.yaml` two files.
import { CONFIG_OPTIONS, configSource, defineCommand, namedFiles, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { formatOf, OUTPUT_FORMATS, outputOptions, printResult, sessionRef } from "../output/format.js";

export const diffCommand = defineCommand({
  name: "diff",
  description: "show what apply would change, as a unified diff (exit 0: none, 1: changes, 2: error)",
  examples: [
    { description: "Show what `linkup apply` would change", command: "linkup diff" },
    { description: "Fail a CI step when the live sessions differ from the config", command: "linkup diff -f linkup.yaml -q >/dev/null" },
    { description: "List only the sessions that would change", command: "linkup diff -o name" },
    { description: "Review a pull request's config change, offline, as a markdown comment", command: "linkup diff --base origin/main -o markdown" },
    { description: "Compare the YAML trees with your own diff program", command: "LINKUP_EXTERNAL_DIFF='diff -N -u' linkup diff" },
  ],
  positionals: [{ name: "files", variadic: true, description: "OLD NEW: compare two config files (no server needed)", complete: "files" }],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    prune: { type: "boolean", description: "also show the deletions `apply --prune` would make" },
    base: { type: "string", valueName: "ref", description: "compare with the config as committed at this git ref (no server needed), e.g. origin/main" },
    ...outputOptions([...OUTPUT_FORMATS, "markdown"]),
  },
  validate(args) {
    if (args.files.length === 0) return undefined;
    if (args.files.length !== 2) return `diff takes two files (OLD NEW), got ${args.files.length}; or use --base REF`;
    if (args.base !== undefined) return "give either --base REF or two files, not both";
    if (namedFiles(args).length > 0) return "-f/--config do not apply when two files are given";
    return undefined;
  },
  async handler(args, cx) {
    const { io, settings } = cx;
    const format = formatOf(args);
    if (args.base !== undefined || args.files.length > 0) {
      const { runOfflineDiff } = await import("../output/offline-diff-report.js");
      return runOfflineDiff({ files: args.files, base: args.base, source: configSource(args, cx), output: format }, io);
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
    if (r.personalNote) io.err(`warning: ${r.personalNote}`);
    const unavailable = () => {
      for (const u of r.actual.unavailable) note(io, io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
    };
    const changed = hasChanges(r.actions);
    if (format === "markdown") {
      const { renderMarkdown } = await import("../../reconcile/render-markdown.js");
      const { overview } = await import("../../reconcile/change-overview.js");
      const { maskDeep } = await import("../../core/mask-secrets.js");
      unavailable();
      io.out(renderMarkdown({ from: "live sessions", to: ctx.loaded.file, actions: maskDeep(r.actions), overview: maskDeep(overview(r.actions)) }));
      return changed ? EXIT.CHANGES : EXIT.OK;
    }
    const diff = diffJson(r.actions);
    await printResult(io, format, {
      data: { ...diff, unavailable: r.actual.unavailable.map((u) => u.placement) },
      names: () => diff.sessions.map((s) => sessionRef(s.name)).filter((n, i, all) => all.indexOf(n) === i),
      async text(wide) {
        unavailable();
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

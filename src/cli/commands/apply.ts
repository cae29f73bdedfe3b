// `linkup apply [-f FILE] [--dry-run] [--prune] [--watch]`: make the sessions match the config.
// The steps, in order: start what the config's sessions need, plan, write, refresh the env
// files, connect the Cloudflare tunnel. `--dry-run` is plan, print, stop; `--watch` runs the same
// steps on every save.
import { CONFIG_OPTIONS, configSource, defineCommand, namedFiles, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import type { ReconcileContext } from "../../reconcile/context.js";
import type { ApplyOutcome } from "../../reconcile/apply.js";

/** One apply pass; `apply` prints as it goes, each `--watch` pass reports through its events. */
async function applyOnce(
  ctx: ReconcileContext,
  prune: boolean,
  show: { step?: (text: string) => Promise<void>; outcome?: (o: ApplyOutcome) => void } = {},
) {
  const { configPlacements } = await import("../../reconcile/desired.js");
  const { computePlan, writePlan } = await import("../../reconcile/reconcile.js");
  const { injectConfigEnvFiles } = await import("../../reconcile/env-files.js");
  const { ensureRuntime } = await import("../../operations/runtime.js");
  const { connectTunnel } = await import("../../operations/tunnel-connect.js");
  const sides = configPlacements(ctx.loaded.config);
  await ensureRuntime(ctx, sides, { ...(show.step ? { onStart: show.step } : {}) });
  // Applying a declared session also renews it once less than half its ttl is left.
  const planned = await computePlan(ctx, { prune, reach: sides, now: Date.now(), renew: true });
  const written = await writePlan(ctx, planned, show.outcome);
  const envFiles = injectConfigEnvFiles(ctx.loaded);
  const tunnel = await connectTunnel(ctx, written, { prefer: planned.personalName, ...(show.step ? { onWait: show.step } : {}) });
  return { outcomes: written.outcomes, envFiles, tunnel };
}

export const applyCommand = defineCommand({
  name: "apply",
  description: "create, update (and with --prune delete) sessions so they match the config",
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    "dry-run": { type: "boolean", description: "print the plan (as `linkup diff` does) and change nothing" },
    prune: { type: "boolean", description: "delete sessions this config manages that it no longer declares" },
    watch: { type: "boolean", alias: "w", description: "keep running; re-apply whenever the config files change" },
    output: { type: "string", alias: "o", valueName: "format", description: "output format", choices: ["text", "json"], default: "text" },
  },
  validate: (args) => (args.watch && namedFiles(args).includes("-") ? "--watch needs a config file, not stdin" : undefined),
  async handler(args, cx) {
    const { io } = cx;
    const json = args.output === "json";
    const src = configSource(args, cx);
    if (args.watch) {
      const { watchConfig } = await import("../../reconcile/watch.js");
      const { printOutcome } = await import("../output/apply-report.js");
      const { formatDiagnostic } = await import("../../config/config-file.js");
      await watchConfig(src, {
        apply: (ctx) => applyOnce(ctx, args.prune),
        onEvent(ev) {
          if (json) return io.out(JSON.stringify(ev));
          switch (ev.type) {
            case "watching":
              return io.out(`watching ${ev.files.join(", ")} (Ctrl-C to stop; sessions stay as applied)`);
            case "applied":
              for (const o of ev.outcomes) if (o.result !== "unchanged") printOutcome(o, io);
              return;
            case "unchanged":
              return io.out(io.color.dim("no changes"));
            case "invalid":
              io.err(`${io.color.red("invalid config")}: keeping the last applied state`);
              for (const d of ev.diagnostics) io.err(`  ${formatDiagnostic(d)}`);
              return;
            case "error":
              return io.err(`${io.color.red("error:")} ${ev.message}`);
          }
        },
      });
      return EXIT.OK;
    }
    const { openContext } = await import("../../reconcile/context.js");
    const ctx = openContext(src);
    if (args.dryRun) {
      const { computePlan } = await import("../../reconcile/reconcile.js");
      const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
      // Nothing is started for a dry run: a side that is not up counts as empty.
      const planned = await computePlan(ctx, { prune: args.prune, reach: [], now: Date.now(), renew: true });
      if (json) io.out(JSON.stringify({ dry_run: true, ...diffJson(planned.actions) }, null, 2));
      else {
        for (const u of planned.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
        io.out(renderDiff(planned.actions, io.color));
        io.out(io.color.dim("(dry run: nothing was changed)"));
      }
      return EXIT.OK;
    }
    const { printOutcome, printTunnel } = await import("../output/apply-report.js");
    const { spinnerSlot } = await import("../output/spinner.js");
    const spinner = spinnerSlot(io);
    let r;
    try {
      r = await applyOnce(ctx, args.prune, {
        step: spinner.show,
        outcome: (o) => {
          spinner.stop();
          if (!json) printOutcome(o, io);
        },
      });
    } finally {
      spinner.stop();
    }
    const failures = r.outcomes.filter((o) => o.result === "failed");
    if (json) {
      io.out(JSON.stringify({ sessions: r.outcomes, env_files: r.envFiles, tunnel: r.tunnel, failed: failures.map((f) => f.name) }, null, 2));
    } else {
      for (const f of r.envFiles) io.out(io.color.dim(`env ${f.file} ${f.action}`));
      if (r.tunnel) printTunnel(r.tunnel, io);
      if (r.outcomes.length === 0) io.out("no sessions declared");
      if (failures.length > 0) io.err(`${failures.length} session${failures.length === 1 ? "" : "s"} failed: ${failures.map((f) => f.name).join(", ")}`);
    }
    return failures.length > 0 ? EXIT.PARTIAL_FAILURE : EXIT.OK;
  },
});

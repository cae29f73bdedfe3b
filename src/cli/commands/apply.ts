// `linkup apply [-f FILE] [--dry-run[=client|server]] [--prune] [--watch]`: make the sessions match
// the config. The steps, in order: start what the config's sessions need, plan, write, refresh the
// env files, connect the Cloudflare tunnel. `--dry-run` (=client) is plan, print, stop;
// `--dry-run=server` sends the writes as dry runs (the servers validate, store nothing);
// `--watch` runs the same steps on every save and whenever the live state drifts.
import { CONFIG_OPTIONS, configSource, defineCommand, namedFiles, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";
import { note } from "../io.js";
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
  const { sessionChanges } = await import("../../reconcile/plan.js");
  const { injectConfigEnvFiles } = await import("../../reconcile/env-files.js");
  const { ensureRuntime } = await import("../../operations/runtime.js");
  const { connectTunnel } = await import("../../operations/tunnel-connect.js");
  const { addressesOf } = await import("../../operations/listeners.js");
  const { printable } = await import("../../operations/session-urls.js");
  const sides = configPlacements(ctx.loaded.config);
  const runtime = await ensureRuntime(ctx, sides, { ...(show.step ? { onStart: show.step } : {}) });
  // Applying a declared session also renews it once less than half its ttl is left.
  const planned = await computePlan(ctx, { prune, reach: sides, now: Date.now(), renew: true });
  const written = await writePlan(ctx, planned, show.outcome);
  const envFiles = injectConfigEnvFiles(ctx.loaded);
  const tunnel = await connectTunnel(ctx, written, { prefer: planned.personalName, ...(show.step ? { onWait: show.step } : {}) });
  // Where each declared session now in place opens on this machine (URLs that open as printed).
  const inPlace = new Set(written.outcomes.filter((o) => o.result !== "failed" && o.result !== "pruned").map((o) => o.name));
  const addresses = await addressesOf(ctx, planned.desired.filter((d, i, all) => inPlace.has(d.name) && all.findIndex((x) => x.name === d.name) === i));
  const urls = addresses.map((a) => ({ name: a.name, urls: printable(a.addresses) }));
  return { outcomes: written.outcomes, changes: sessionChanges(planned.actions), started: runtime.started, urls, addresses, envFiles, tunnel, personalNote: planned.personalNote };
}

/** `--dry-run=server`: the plan's writes sent as dry runs; nothing is started, stored or connected. */
async function serverDryRun(ctx: ReconcileContext, prune: boolean) {
  const { configPlacements } = await import("../../reconcile/desired.js");
  const { computePlan, writePlan } = await import("../../reconcile/reconcile.js");
  const sides = configPlacements(ctx.loaded.config);
  // Both sides must answer: a server dry run asks the servers, so there is no "not running" here.
  const planned = await computePlan(ctx, { prune, reach: sides, now: Date.now(), renew: true });
  return (await writePlan(ctx, planned)).outcomes;
}

export const applyCommand = defineCommand({
  name: "apply",
  description: "create, update (and with --prune delete) sessions so they match the config",
  examples: [
    { description: "Make the sessions match ./linkup.yaml", command: "linkup apply" },
    { description: "See what would change, without changing anything", command: "linkup apply --dry-run" },
    { description: "Have the worker and the local server check every write, storing nothing", command: "linkup apply --dry-run=server" },
    { description: "Keep applying on every save, and heal drift (Ctrl-C stops)", command: "linkup apply --watch" },
    { description: "Also delete sessions this config manages but no longer declares; print names only", command: "linkup apply --prune -o name" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    "dry-run": {
      type: "string",
      valueName: "strategy",
      preset: "client",
      choices: ["none", "client", "server"],
      description: "client (bare --dry-run): print the plan and change nothing; server: the servers validate each write and store nothing",
    },
    prune: { type: "boolean", description: "delete sessions this config manages that it no longer declares" },
    watch: { type: "boolean", alias: "w", description: "keep running; re-apply on every save and when the live state drifts" },
    ...OUTPUT_OPTIONS,
  },
  validate(args) {
    if (args.watch && namedFiles(args).includes("-")) return "--watch needs a config file, not stdin";
    if (args.watch && args.dryRun !== undefined && args.dryRun !== "none") return "--watch applies; it cannot be combined with --dry-run";
    return undefined;
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const src = configSource(args, cx);
    if (args.watch) {
      const { watchConfig } = await import("../../reconcile/watch.js");
      const { printWatchEvent, watchEventNames } = await import("../output/watch-report.js");
      const { serialiseEvent } = await import("../output/format.js");
      const { formatDiagnostic } = await import("../../config/config-file.js");
      await watchConfig(src, {
        apply: (ctx) => applyOnce(ctx, args.prune),
        drift: { prune: args.prune },
        onEvent(ev) {
          if (format === "json" || format === "yaml") return io.out(serialiseEvent(format, ev));
          if (format === "name") {
            const names = watchEventNames(ev);
            return names.length ? io.out(names.join("\n")) : undefined;
          }
          printWatchEvent(ev, io, format === "wide", formatDiagnostic);
        },
      });
      return EXIT.OK;
    }
    if (args.dryRun === "server") {
      const { openContext } = await import("../../reconcile/context.js");
      const outcomes = await serverDryRun(openContext({ ...src, dryRun: true }), args.prune);
      const failures = outcomes.filter((o) => o.result === "failed");
      const { outcomeLine } = await import("../output/apply-report.js");
      await printResult(io, format, {
        data: { dry_run: "server", sessions: outcomes, failed: failures.map((f) => f.name) },
        names: () => outcomes.map((o) => sessionRef(o.name)),
        text: async (wide) => {
          for (const o of outcomes) (o.result === "failed" ? io.err : io.out)(`${outcomeLine(o, io, wide)} (server dry run)`);
          if (outcomes.length === 0) io.out("no sessions declared");
        },
      });
      return failures.length > 0 ? EXIT.PARTIAL_FAILURE : EXIT.OK;
    }
    const { openContext } = await import("../../reconcile/context.js");
    const ctx = openContext(src);
    if (args.dryRun === "client") {
      const { computePlan } = await import("../../reconcile/reconcile.js");
      const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
      const { describeChanges } = await import("../output/watch-report.js");
      // Nothing is started for a dry run: a side that is not up counts as empty.
      const planned = await computePlan(ctx, { prune: args.prune, reach: [], now: Date.now(), renew: true });
      if (planned.personalNote) io.err(io.color.yellow(`warning: ${planned.personalNote}`));
      const diff = diffJson(planned.actions);
      await printResult(io, format, {
        data: { dry_run: true, ...diff },
        names: () => [...diff.sessions.map((s) => s.name), ...diff.unchanged].map(sessionRef),
        text: (wide) => {
          for (const u of planned.actual.unavailable) note(io, io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
          io.out(renderDiff(planned.actions, io.color));
          if (wide) for (const s of diff.sessions) if (s.changes.length) io.out(`session/${s.name}: ${describeChanges(s.changes)}`);
          note(io, io.color.dim("(dry run: nothing was changed)"));
        },
      });
      return EXIT.OK;
    }
    const { printAddresses, printOutcome, printTunnel, outcomesTable } = await import("../output/apply-report.js");
    const { addressesJson } = await import("../../operations/session-urls.js");
    const { spinnerSlot } = await import("../output/spinner.js");
    const spinner = spinnerSlot(io);
    const streaming = format === "text";
    let r;
    try {
      r = await applyOnce(ctx, args.prune, {
        step: spinner.show,
        outcome: (o) => {
          spinner.stop();
          if (streaming) printOutcome(o, io);
        },
      });
    } finally {
      spinner.stop();
    }
    if (r.personalNote) io.err(io.color.yellow(`warning: ${r.personalNote}`));
    const result = r;
    const failures = result.outcomes.filter((o) => o.result === "failed");
    await printResult(io, format, {
      data: {
        // Each outcome with where the session opens (urls; curl lines where no URL does).
        sessions: result.outcomes.map((o) => {
          const a = result.addresses.find((x) => x.name === o.name);
          return a ? { ...o, ...addressesJson(a.addresses) } : o;
        }),
        env_files: result.envFiles,
        tunnel: result.tunnel,
        failed: failures.map((f) => f.name),
      },
      names: () => result.outcomes.map((o) => sessionRef(o.name)),
      text: (wide) => {
        if (wide) {
          io.out(outcomesTable(result.outcomes, result.urls));
          for (const f of failures) io.err(`session/${f.name} failed: ${f.error ?? "unknown error"}`);
        }
        for (const f of result.envFiles) note(io, io.color.dim(`env ${f.file} ${f.action}`));
        if (result.tunnel) printTunnel(result.tunnel, io);
        if (!wide) printAddresses(result.addresses, io);
        if (result.outcomes.length === 0) io.out("no sessions declared");
        if (failures.length > 0) io.err(`${failures.length} session${failures.length === 1 ? "" : "s"} failed: ${failures.map((f) => f.name).join(", ")}`);
      },
    });
    return failures.length > 0 ? EXIT.PARTIAL_FAILURE : EXIT.OK;
  },
});

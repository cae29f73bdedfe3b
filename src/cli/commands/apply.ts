// `linkup apply [-f FILE] [--dry-run] [--prune] [--watch]`: make the sessions match the config.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const applyCommand: CommandDef = {
  name: "apply",
  description: "create, update (and with --prune delete) sessions so they match the config",
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--dry-run", description: "print the plan (as `linkup diff` does) and change nothing" },
    { flags: "--prune", description: "delete sessions this config manages that it no longer declares" },
    { flags: "-w, --watch", description: "keep running; re-apply whenever the config files change" },
    { flags: "-o, --output <format>", description: "output format", choices: ["text", "json"], default: "text" },
  ],
  async run(_args, opts, io) {
    const json = opts.output === "json";
    const src = { file: opts.file, config: opts.config, env: io.env, cwd: io.cwd };
    if (opts.watch) {
      const { watchConfig } = await import("../../reconcile/watch.js");
      const { printOutcome } = await import("../output/apply-report.js");
      const { formatDiagnostic } = await import("../../config/config-file.js");
      if ((src.file ?? src.config) === "-") {
        const { ConfigError } = await import("../../core/errors.js");
        throw new ConfigError("watch-stdin", "--watch needs a config file, not stdin");
      }
      const { applyConfig } = await import("../../operations/apply-config.js");
      await watchConfig(src, {
        apply: (ctx) => applyConfig(ctx, { prune: Boolean(opts.prune), dryRun: false }),
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
    const { applyConfig } = await import("../../operations/apply-config.js");
    const ctx = openContext(src);
    if (opts.dryRun) {
      const { renderDiff, diffJson } = await import("../../reconcile/render-diff.js");
      const r = await applyConfig(ctx, { prune: Boolean(opts.prune), dryRun: true });
      if (r.plan.personalNote) io.err(io.color.yellow(`warning: ${r.plan.personalNote}`));
      if (json) io.out(JSON.stringify({ dry_run: true, ...diffJson(r.plan.actions) }, null, 2));
      else {
        for (const u of r.plan.actual.unavailable) io.err(io.color.dim(`note: ${u.placement} side not reachable, shown as empty (${u.reason})`));
        io.out(renderDiff(r.plan.actions, io.color));
        io.out(io.color.dim("(dry run: nothing was changed)"));
      }
      return EXIT.OK;
    }
    const { printOutcome, printTunnel } = await import("../output/apply-report.js");
    const { startSpinner } = await import("../output/spinner.js");
    let spinner: Awaited<ReturnType<typeof startSpinner>> | undefined;
    try {
      const r = await applyConfig(ctx, {
        prune: Boolean(opts.prune),
        dryRun: false,
        onStart: async (what) => {
          spinner = await startSpinner(io, what);
        },
        report: (o) => {
          spinner?.stop();
          if (!json) printOutcome(o, io);
        },
        onTunnelWait: async (what) => {
          spinner?.stop();
          spinner = await startSpinner(io, what);
        },
      });
      spinner?.stop();
      if (r.plan.personalNote) io.err(io.color.yellow(`warning: ${r.plan.personalNote}`));
      if (!json) for (const f of r.envFiles) io.out(io.color.dim(`env ${f.file} ${f.action}`));
      if (!json && r.tunnel) printTunnel(r.tunnel, io);
      const failures = r.outcomes.filter((o) => o.result === "failed");
      if (json)
        io.out(
          JSON.stringify(
            { sessions: r.outcomes, env_files: r.envFiles, tunnel: r.tunnel, failed: failures.map((f) => f.name) },
            null,
            2,
          ),
        );
      else if (r.outcomes.length === 0) io.out("no sessions declared");
      if (failures.length > 0) {
        if (!json) io.err(`${failures.length} session${failures.length === 1 ? "" : "s"} failed: ${failures.map((f) => f.name).join(", ")}`);
        return EXIT.PARTIAL_FAILURE;
      }
      return EXIT.OK;
    } finally {
      spinner?.stop();
    }
  },
};

// `linkup start [--isolated]`: bring up the local server (and the embedded worker when there is
// no worker_url), apply this developer's personal session and inject the env files.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const startCommand: CommandDef = {
  name: "start",
  description: "start the local server and your personal session (tunneled, or --isolated)",
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--isolated", description: "run the personal session on this machine only (no worker, no tunnel)" },
    { flags: "--json", description: "print the result as JSON" },
  ],
  async run(_args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { applyConfig } = await import("../../operations/apply-config.js");
    const { implicitPersonalDeclaration, personalDeclaration } = await import("../../reconcile/desired.js");
    const { sessionUrls } = await import("../../operations/session-urls.js");
    const { startSpinner } = await import("../output/spinner.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    const declared = personalDeclaration(ctx.loaded.config) ?? implicitPersonalDeclaration(ctx.loaded.config);
    const personal = opts.isolated ? { ...declared, type: "isolated" as const } : declared;
    let spinner: Awaited<ReturnType<typeof startSpinner>> | undefined;
    let r;
    try {
      r = await applyConfig(ctx, {
        prune: false,
        dryRun: false,
        personal,
        personalOnly: true,
        refreshTunnel: true,
        onStart: async (what) => {
          spinner = await startSpinner(io, what);
        },
        onTunnelWait: async (what) => {
          spinner?.stop();
          spinner = await startSpinner(io, what);
        },
      });
    } finally {
      spinner?.stop();
    }
    if (r.plan.personalNote) io.err(io.color.yellow(`warning: ${r.plan.personalNote}`));
    const outcome = r.outcomes[0];
    const name = r.plan.personalName!;
    const urls = sessionUrls(name, ctx.loaded.config.domains);
    if (opts.json) {
      io.out(JSON.stringify({ session: name, type: personal.type, result: outcome?.result ?? "unchanged", urls, tunnel_url: outcome?.tunnel_url ?? null, tunnel: r.tunnel, env_files: r.envFiles }, null, 2));
    } else {
      const { printOutcome, printTunnel } = await import("../output/apply-report.js");
      const { renderTable } = await import("../output/table.js");
      if (outcome) printOutcome(outcome, io);
      if (r.tunnel) printTunnel(r.tunnel, io);
      for (const f of r.envFiles) io.out(io.color.dim(`env ${f.file} ${f.action}`));
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[name, personal.type, urls.join("\n")]]));
    }
    return outcome?.result === "failed" ? EXIT.PARTIAL_FAILURE : EXIT.OK;
  },
};

// `linkup start [--isolated]`: bring up the local server (and the embedded worker when there is
// no worker_url), apply this developer's personal session, inject the env files and connect its
// Cloudflare tunnel: the apply steps, scoped to the personal session.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const startCommand = defineCommand({
  name: "start",
  description: "start the local server and your personal session (tunneled, or --isolated)",
  examples: [
    { description: "Start the local server and your personal session", command: "linkup start" },
    { description: "Keep your personal session on this machine only (no worker, no tunnel)", command: "linkup start --isolated" },
    { description: "Print only the session's name, e.g. for a script", command: "linkup start -o name" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    isolated: { type: "boolean", description: "run the personal session on this machine only (no worker, no tunnel)" },
    ...OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { placementFor, startDeclaration } = await import("../../reconcile/desired.js");
    const { computePlan, writePlan } = await import("../../reconcile/reconcile.js");
    const { injectConfigEnvFiles } = await import("../../reconcile/env-files.js");
    const { ensureRuntime } = await import("../../operations/runtime.js");
    const { connectTunnel } = await import("../../operations/tunnel-connect.js");
    const { addressesHere } = await import("../../operations/listeners.js");
    const { addressesJson } = await import("../../operations/session-urls.js");
    const { spinnerSlot } = await import("../output/spinner.js");
    const ctx = openContext(configSource(args, cx));
    const personal = startDeclaration(ctx.loaded.config, args.isolated);
    const sides = placementFor(personal.type);
    const spinner = spinnerSlot(io);
    let planned, written, envFiles, tunnel;
    try {
      await ensureRuntime(ctx, sides, { onStart: spinner.show });
      planned = await computePlan(ctx, { prune: false, personal, scope: "personal", reach: sides, now: Date.now(), renew: true });
      written = await writePlan(ctx, planned);
      envFiles = injectConfigEnvFiles(ctx.loaded);
      // refresh: the worker records that this tunnel was started now (idle tunnels are cleaned up).
      tunnel = await connectTunnel(ctx, written, { prefer: planned.personalName, refresh: true, onWait: spinner.show });
    } finally {
      spinner.stop();
    }
    if (planned.personalNote) io.err(io.color.yellow(`warning: ${planned.personalNote}`));
    const outcome = written.outcomes[0];
    const name = planned.personalName!;
    const addresses = addressesJson(await addressesHere(ctx, name, personal.type));
    const urls = [...addresses.urls, ...addresses.curl];
    const result = { session: name, type: personal.type, result: outcome?.result ?? "unchanged", urls: addresses.urls, curl: addresses.curl, tunnel_url: outcome?.tunnel_url ?? null, tunnel, env_files: envFiles };
    await printResult(io, format, {
      data: result,
      names: () => [sessionRef(name)],
      async text(wide) {
        const { printOutcome, printTunnel } = await import("../output/apply-report.js");
        const { renderTable } = await import("../output/table.js");
        if (outcome) printOutcome(outcome, io);
        if (tunnel) printTunnel(tunnel, io);
        for (const f of envFiles) note(io, io.color.dim(`env ${f.file} ${f.action}`));
        io.out(
          renderTable(
            ["SESSION", "TYPE", "URLS", ...(wide ? ["WHERE", "TUNNEL"] : [])],
            [[name, personal.type, urls, ...(wide ? [outcome?.placements ?? [], result.tunnel_url] : [])]],
          ),
        );
      },
    });
    return outcome?.result === "failed" ? EXIT.PARTIAL_FAILURE : EXIT.OK;
  },
});

// `linkup version [-o json|yaml]`: the CLI's version and, when they answer, the local server's and
// the worker's (kubectl's `version`). `--version` prints the CLI's alone, without asking anyone.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";
import { CLI_VERSION } from "../version.js";

export const versionCommand = defineCommand({
  name: "version",
  description: "print the CLI's version and the local server's and worker's when they answer",
  examples: [
    { description: "Client, local server and worker versions", command: "linkup version" },
    { description: "The same as JSON, for a bug report", command: "linkup version -o json" },
  ],
  options: { ...CONFIG_OPTIONS, ...DATA_OUTPUT_OPTIONS },
  async handler(args, cx) {
    const { io, settings } = cx;
    const format = formatOf(args);
    const { stateDir } = await import("../../machine/state-dir.js");
    const { openContext } = await import("../../reconcile/context.js");
    const { versionReport } = await import("../../operations/version.js");
    // Without a (valid) config the worker asked is the embedded one on this machine.
    let ctx;
    try {
      ctx = openContext(configSource(args, cx));
    } catch {
      ctx = undefined;
    }
    const r = await versionReport({ settings, stateDir: stateDir(settings), cliVersion: CLI_VERSION, ...(ctx ? { ctx } : {}), ...(cx.trace ? { trace: cx.trace } : {}) });
    await printResult(io, format, {
      data: r,
      text() {
        const server = (s: typeof r.local_server) =>
          s.reachable ? `${s.version ?? "unknown (older than 0.1)"} (API ${s.api_version ?? "?"}) at ${s.url}` : io.color.dim(`not reachable at ${s.url}`);
        io.out(`Client Version: ${r.client.version} (API ${r.client.api_version}, node ${r.client.node})`);
        io.out(`Local Server Version: ${server(r.local_server)}`);
        io.out(`Worker Version: ${server(r.worker)}${r.worker.embedded && r.worker.reachable ? " (embedded)" : ""}`);
        const skew = [r.local_server, r.worker].filter((s) => s.version && s.version !== r.client.version);
        if (skew.length) io.err(io.color.yellow(`warning: ${skew.map((s) => s.url).join(" and ")} run${skew.length === 1 ? "s" : ""} another Linkup version; \`linkup stop\` then \`linkup start\` (or \`linkup infra deploy\`) updates ${skew.length === 1 ? "it" : "them"}`));
      },
    });
    return EXIT.OK;
  },
});

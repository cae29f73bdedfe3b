// `linkup health [-o ...]`: state directory, processes and pids, versions, local DNS, orphans.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, OUTPUT_OPTIONS, printResult } from "../output/format.js";
import { CLI_VERSION } from "../version.js";

export const healthCommand = defineCommand({
  name: "health",
  description: "report on the state directory, processes, versions, local DNS and orphaned processes",
  examples: [
    { description: "What a bug report needs (never prints a token)", command: "linkup health" },
    { description: "The same with every process and file, as YAML", command: "linkup health -o yaml" },
    { description: "Which of Linkup's components are up, one per line", command: "linkup health -o name" },
  ],
  options: { ...CONFIG_OPTIONS, ...OUTPUT_OPTIONS },
  async handler(args, cx) {
    const { io, settings } = cx;
    const format = formatOf(args);
    const { stateDir } = await import("../../machine/state-dir.js");
    const { openContext } = await import("../../reconcile/context.js");
    const { healthReport } = await import("../../operations/health.js");
    // Health is for when things are broken: a missing or invalid config is reported, not fatal.
    let ctx;
    let configError: string | null = null;
    try {
      ctx = openContext(configSource(args, cx));
    } catch (e) {
      configError = (e as Error).message.split("\n")[0] ?? "config error";
    }
    const report = await healthReport({ stateDir: stateDir(settings), settings, cliVersion: CLI_VERSION, ...(ctx ? { ctx } : {}) });
    await printResult(io, format, {
      data: { ...report, config_error: configError },
      names: () => [
        ...(report.local_server.reachable ? ["component/local-server"] : []),
        ...(report.worker.reachable ? ["component/worker"] : []),
        ...(report.local_dns?.installed ? ["component/local-dns"] : []),
        ...(report.tunnel?.state === "connected" ? ["component/cloudflared"] : []),
      ],
      async text(wide) {
        const c = io.color;
        const yes = (b: boolean) => (b ? c.green("yes") : c.red("no"));
        io.out(`linkup ${report.cli.version} (API ${report.cli.api_version}, node ${report.cli.node}, ${report.system.os}/${report.system.arch})`);
        io.out(`state directory: ${report.state_dir.path} (${report.state_dir.files.join(", ") || "empty"})`);
        io.out(`config: ${report.config ? `${report.config.file} (identity ${report.config.identity})` : c.yellow(configError ?? "none")}`);
        io.out(`local server: ${report.local_server.url} reachable ${yes(report.local_server.reachable)}${report.local_server.pid ? `, pid ${report.local_server.pid}` : ""}${report.local_server.version ? `, version ${report.local_server.version}` : ""}`);
        io.out(`worker: ${report.worker.url}${report.worker.embedded ? " (embedded)" : ""} reachable ${yes(report.worker.reachable)}${report.worker.version ? `, version ${report.worker.version}` : ""}`);
        io.out(`local DNS: ${report.local_dns ? (report.local_dns.installed ? `installed for ${report.local_dns.domains.join(", ")}` : "not installed") : "unknown"}`);
        if (report.tunnel && report.tunnel.state !== "stopped") {
          const { cloudflaredLine } = await import("../output/cloudflared-line.js");
          io.out(cloudflaredLine(report.tunnel, io));
        }
        if (wide) {
          const { renderTable } = await import("../output/table.js");
          io.out("");
          io.out(renderTable(["PROCESS", "PID", "ALIVE", "PID FILE"], report.processes.map((p) => [p.name, p.pid, p.alive ? "yes" : "no", p.pid_file])));
        } else for (const p of report.processes) io.out(`process ${p.name}: pid ${p.pid ?? "?"} ${p.alive ? c.green("alive") : c.dim("gone")}`);
        for (const o of report.orphans)
          io.out(
            c.yellow(
              o.name === "local-server"
                ? `orphaned: ${o.name} pid ${o.pid} is alive but does not answer (\`linkup stop\` ends it)`
                : `orphaned: ${o.name} pid ${o.pid} was left running by a local server that is gone (\`linkup stop\` ends it)`,
            ),
          );
        for (const f of report.stale_pid_files) io.out(c.dim(`stale pid file: ${f}`));
      },
    });
    return EXIT.OK;
  },
});

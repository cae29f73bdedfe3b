// `linkup stop`: end the local server (and the embedded worker and cloudflared), remove the
// env-file blocks.
// Sessions stay stored; `linkup start` brings them back.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";

export const stopCommand = defineCommand({
  name: "stop",
  description: "stop the local server and remove injected env-file blocks (sessions are kept)",
  examples: [
    { description: "Stop the local server (sessions are kept; `linkup start` brings them back)", command: "linkup stop" },
    { description: "Stop it and say what was done, as JSON", command: "linkup stop -o json" },
  ],
  options: { ...CONFIG_OPTIONS, ...DATA_OUTPUT_OPTIONS },
  async handler(args, cx) {
    const { io, settings } = cx;
    const format = formatOf(args);
    const { stateDir } = await import("../../machine/state-dir.js");
    const { loadConfig } = await import("../../config/config-file.js");
    const { stopLinkup } = await import("../../operations/stop.js");
    // Stopping must work even when the config is broken or gone: then only the env blocks stay.
    let loaded;
    let configProblem: string | undefined;
    try {
      loaded = loadConfig(configSource(args, cx));
    } catch (e) {
      configProblem = (e as Error).message.split("\n")[0];
    }
    const r = await stopLinkup(stateDir(settings), loaded);
    await printResult(io, format, {
      data: {
        stopped: r.wasRunning,
        pid: r.pid,
        orphan_cloudflared_pid: r.orphanCloudflaredPid,
        orphan_embedded_worker_pid: r.orphanEmbeddedWorkerPid,
        env_files: r.envFiles,
      },
      text() {
        if (configProblem) io.err(io.color.yellow(`warning: env files left as they are (${configProblem})`));
        for (const f of r.envFiles) note(io, io.color.dim(`env ${f.file} ${f.action}`));
        if (r.orphanCloudflaredPid !== null) io.out(`ended cloudflared pid ${r.orphanCloudflaredPid} left running by an earlier local server`);
        if (r.orphanEmbeddedWorkerPid !== null)
          io.out(`ended the embedded worker (workerd pid ${r.orphanEmbeddedWorkerPid}) left running by an earlier local server`);
        io.out(r.wasRunning ? `Stopped linkup (local server pid ${r.pid})` : "Stopped linkup (the local server was not running)");
      },
    });
    return EXIT.OK;
  },
});

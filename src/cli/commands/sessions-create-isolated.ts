// `linkup sessions create-isolated [NAME]`: an extra session on the local server only.
import { CONFIG_OPTIONS, configSource, defineCommand, JSON_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsCreateIsolatedCommand = defineCommand({
  name: "sessions create-isolated",
  description: "create an isolated session on the local server (every service remote)",
  positionals: [{ name: "name", description: "session name (default: a generated one)" }],
  options: { ...CONFIG_OPTIONS, ...JSON_OPTION },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { ensureRuntime } = await import("../../operations/runtime.js");
    const { createIsolated } = await import("../../operations/sessions.js");
    const { sessionUrls } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(args, cx));
    await ensureRuntime(ctx, ["local"]);
    const o = await createIsolated(ctx, args.name);
    const urls = sessionUrls(o.name, ctx.loaded.config.domains);
    if (args.json) io.out(JSON.stringify({ name: o.name, type: "isolated", result: o.result, urls }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green("created")}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "isolated", urls.join("\n")]]));
    }
    return EXIT.OK;
  },
});

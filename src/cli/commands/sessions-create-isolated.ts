// `linkup sessions create-isolated [NAME]`: an extra session on the local server only.
import { CONFIG_OPTIONS, configSource, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsCreateIsolatedCommand: CommandDef = {
  name: "sessions create-isolated",
  description: "create an isolated session on the local server (every service remote)",
  args: ["[name]"],
  options: [...CONFIG_OPTIONS, { flags: "--json", description: "print the result as JSON" }],
  async run(args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { createIsolated } = await import("../../operations/sessions.js");
    const { sessionUrls } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(opts, io));
    const o = await createIsolated(ctx, args[0] as string | undefined);
    const urls = sessionUrls(o.name, ctx.loaded.config.domains);
    if (opts.json) io.out(JSON.stringify({ name: o.name, type: "isolated", result: o.result, urls }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green("created")}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "isolated", urls.join("\n")]]));
    }
    return EXIT.OK;
  },
};

// `linkup sessions create-preview [NAME] [svc=url...] [--print-request]`: a preview session on the
// worker, every service remote unless overridden. A first argument containing "=" is a pair, so
// overrides do not need a name.
import { CONFIG_OPTIONS, configSource, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsCreatePreviewCommand: CommandDef = {
  name: "sessions create-preview",
  description: "create a preview session on the worker (services remote unless SERVICE=URL)",
  args: ["[name]", "[pairs...]"],
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--print-request", description: "print the request that would be sent (no token) and stop" },
    { flags: "--json", description: "print the result as JSON" },
  ],
  async run(args, opts, io) {
    let name = args[0] as string | undefined;
    const pairs = [...((args[1] as string[] | undefined) ?? [])];
    if (name?.includes("=")) {
      pairs.unshift(name);
      name = undefined;
    }
    const { openContext } = await import("../../reconcile/context.js");
    const { createPreview, previewRequest } = await import("../../operations/sessions.js");
    const { sessionUrls } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(opts, io));
    if (opts.printRequest) {
      io.out(JSON.stringify(await previewRequest(ctx, name, pairs), null, 2));
      return EXIT.OK;
    }
    const o = await createPreview(ctx, name, pairs);
    const urls = sessionUrls(o.name, ctx.loaded.config.domains);
    if (opts.json) io.out(JSON.stringify({ name: o.name, type: "preview", result: o.result, urls }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green("created")}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "preview", urls.join("\n")]]));
    }
    return EXIT.OK;
  },
};

// `linkup sessions create-preview [NAME] [svc=url...] [--print-request]`: a preview session on the
// worker, every service remote unless overridden. A first argument containing "=" is a pair, so
// overrides do not need a name.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
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
    const { addressesHere } = await import("../../operations/listeners.js");
    const { addressesJson, printable } = await import("../../operations/session-urls.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    if (opts.printRequest) {
      io.out(JSON.stringify(await previewRequest(ctx, name, pairs), null, 2));
      return EXIT.OK;
    }
    const o = await createPreview(ctx, name, pairs);
    const addresses = await addressesHere(ctx, o.name, "preview");
    if (opts.json) io.out(JSON.stringify({ name: o.name, type: "preview", result: o.result, ...addressesJson(addresses) }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green("created")}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "preview", printable(addresses).join("\n")]]));
    }
    return EXIT.OK;
  },
};

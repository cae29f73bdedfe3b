// `linkup sessions create-preview [NAME] [svc=url...] [--print-request]`: a preview session on the
// worker, every service remote unless overridden. A first argument containing "=" is a pair, so
// overrides do not need a name.
import { CONFIG_OPTIONS, configSource, defineCommand, JSON_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsCreatePreviewCommand = defineCommand({
  name: "sessions create-preview",
  description: "create a preview session on the worker (services remote unless SERVICE=URL)",
  positionals: [
    { name: "name", description: "session name (default: a generated one)" },
    { name: "pairs", variadic: true, description: "SERVICE=URL overrides" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    "print-request": { type: "boolean", description: "print the request that would be sent (no token) and stop" },
    ...JSON_OPTION,
  },
  async handler(args, cx) {
    const { io } = cx;
    const named = args.name !== undefined && !args.name.includes("=");
    const name = named ? args.name : undefined;
    const pairs = named || args.name === undefined ? args.pairs : [args.name, ...args.pairs];
    const { openContext } = await import("../../reconcile/context.js");
    const { ensureRuntime } = await import("../../operations/runtime.js");
    const { createPreview, previewRequest } = await import("../../operations/sessions.js");
    const { sessionUrls } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(args, cx));
    if (args.printRequest) {
      io.out(JSON.stringify(await previewRequest(ctx, name, pairs), null, 2));
      return EXIT.OK;
    }
    await ensureRuntime(ctx, ["worker"]);
    const o = await createPreview(ctx, name, pairs);
    const urls = sessionUrls(o.name, ctx.loaded.config.domains);
    if (args.json) io.out(JSON.stringify({ name: o.name, type: "preview", result: o.result, urls }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green("created")}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "preview", urls.join("\n")]]));
    }
    return EXIT.OK;
  },
});

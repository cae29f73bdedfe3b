// `linkup sessions create-preview [NAME] [svc=url...] [--ttl D] [--wait] [--print-request]`: a
// preview session on the worker, every service remote unless overridden. A first argument
// containing "=" is a pair, so overrides do not need a name. Running it again replaces the preview
// (and renews its expiry); without NAME the name comes from the routes, so the same job gets the
// same name and URL every time.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsCreatePreviewCommand: CommandDef = {
  name: "sessions create-preview",
  description: "create or replace a preview session on the worker (services remote unless SERVICE=URL)",
  args: ["[name]", "[pairs...]"],
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--ttl <duration>", description: "how long it lives after this write: 30m, 72h, 7d, 2w or none (default 7d)" },
    { flags: "--wait", description: "return once the worker serves the new routes (at most 2 minutes)" },
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
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    const options = opts.ttl !== undefined ? { ttl: opts.ttl as string } : {};
    if (opts.printRequest) {
      io.out(JSON.stringify(await previewRequest(ctx, name, pairs, options), null, 2));
      return EXIT.OK;
    }
    const writtenAt = Date.now();
    const o = await createPreview(ctx, name, pairs, options);
    if (opts.wait) {
      const { waitUntilServed } = await import("../../operations/preview-wait.js");
      const { startSpinner } = await import("../output/spinner.js");
      const spinner = opts.json ? undefined : await startSpinner(io, `waiting for the worker to serve ${o.name}`);
      try {
        await waitUntilServed(ctx, o.record, { writtenAt });
      } finally {
        spinner?.stop();
      }
    }
    const urls = sessionUrls(o.name, ctx.loaded.config.domains);
    const expires = o.record.expires_at ?? null;
    if (opts.json) io.out(JSON.stringify({ name: o.name, type: "preview", result: o.result, urls, expires_at: expires, version: o.record.version }, null, 2));
    else {
      const { renderTable } = await import("../output/table.js");
      io.out(`session/${o.name} ${io.color.green(o.result)}${expires ? ` (expires ${expires})` : ""}`);
      io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "preview", urls.join("\n")]]));
    }
    return EXIT.OK;
  },
};

// `linkup sessions create-preview [NAME] [svc=url...] [--ttl D] [--wait] [--print-request]`: a
// preview session on the worker, every service remote unless overridden. A first argument
// containing "=" is a pair, so overrides do not need a name. Running it again replaces the preview
// (and renews its expiry); without NAME the name comes from the routes, so the same job gets the
// same name and URL every time.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, isMachineFormat, NAMED_OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsCreatePreviewCommand = defineCommand({
  name: "sessions create-preview",
  description: "create or replace a preview session on the worker (services remote unless SERVICE=URL)",
  examples: [
    { description: "A preview of a pull request's api build, every other service remote", command: "linkup sessions create-preview pr-42 api=https://api-pr-42.example.com" },
    { description: "From CI: the same name for the same routes, live for 3 days, return once it is served", command: "linkup sessions create-preview api=https://api-pr-42.example.com --ttl 3d --wait -o name" },
    { description: "Print the request CI would send, without sending it", command: "linkup sessions create-preview pr-42 --print-request" },
  ],
  positionals: [
    { name: "name", description: "session name (default: preview-<hash of the routes>, the same for the same routes)" },
    { name: "pairs", variadic: true, description: "SERVICE=URL overrides" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ttl: { type: "string", valueName: "duration", description: "how long it lives after this write: 30m, 72h, 7d, 2w or none (default 7d)" },
    wait: { type: "boolean", description: "return once the worker serves the new routes (at most 2 minutes)" },
    "print-request": { type: "boolean", description: "print the request that would be sent (no token) and stop" },
    ...NAMED_OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const named = args.name !== undefined && !args.name.includes("=");
    const name = named ? args.name : undefined;
    const pairs = named || args.name === undefined ? args.pairs : [args.name, ...args.pairs];
    const { openContext } = await import("../../reconcile/context.js");
    const { ensureRuntime } = await import("../../operations/runtime.js");
    const { createPreview, previewRequest } = await import("../../operations/sessions.js");
    const { addressesHere } = await import("../../operations/listeners.js");
    const { addressesJson } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(args, cx));
    const options = args.ttl !== undefined ? { ttl: args.ttl } : {};
    if (args.printRequest) {
      io.out(JSON.stringify(await previewRequest(ctx, name, pairs, options), null, 2));
      return EXIT.OK;
    }
    await ensureRuntime(ctx, ["worker"]);
    const writtenAt = Date.now();
    const o = await createPreview(ctx, name, pairs, options);
    if (args.wait) {
      const { waitUntilServed } = await import("../../operations/preview-wait.js");
      if (isMachineFormat(format)) await waitUntilServed(ctx, o.record, { writtenAt });
      else {
        const { withSpinner } = await import("../output/spinner.js");
        await withSpinner(io, `waiting for the worker to serve ${o.name}`, () => waitUntilServed(ctx, o.record, { writtenAt }));
      }
    }
    const addresses = addressesJson(await addressesHere(ctx, o.name, "preview"));
    const urls = [...addresses.urls, ...addresses.curl];
    const expires = o.record.expires_at ?? null;
    await printResult(io, format, {
      data: { name: o.name, type: "preview", result: o.result, urls: addresses.urls, curl: addresses.curl, expires_at: expires, version: o.record.version },
      names: () => [sessionRef(o.name)],
      async text() {
        const { renderTable } = await import("../output/table.js");
        io.out(`session/${o.name} ${io.color.green(o.result)}${expires ? ` (expires ${expires})` : ""}`);
        io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "preview", urls]]));
      },
    });
    return EXIT.OK;
  },
});

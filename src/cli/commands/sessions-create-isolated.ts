// `linkup sessions create-isolated [NAME]`: an extra session on the local server only.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, NAMED_OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsCreateIsolatedCommand = defineCommand({
  name: "sessions create-isolated",
  description: "create an isolated session on the local server (every service remote)",
  positionals: [{ name: "name", description: "session name (default: a generated one)" }],
  examples: [
    { description: "An isolated session with a generated name", command: "linkup sessions create-isolated" },
    { description: "One named demo, every service remote", command: "linkup sessions create-isolated demo" },
  ],
  options: { ...CONFIG_OPTIONS, ...NAMED_OUTPUT_OPTIONS },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { ensureRuntime } = await import("../../operations/runtime.js");
    const { createIsolated } = await import("../../operations/sessions.js");
    const { addressesHere } = await import("../../operations/listeners.js");
    const { addressesJson } = await import("../../operations/session-urls.js");
    const ctx = openContext(configSource(args, cx));
    await ensureRuntime(ctx, ["local"]);
    const o = await createIsolated(ctx, args.name);
    const addresses = addressesJson(await addressesHere(ctx, o.name, "isolated"));
    const urls = [...addresses.urls, ...addresses.curl];
    await printResult(io, format, {
      data: { name: o.name, type: "isolated", result: o.result, urls: addresses.urls, curl: addresses.curl },
      names: () => [sessionRef(o.name)],
      async text() {
        const { renderTable } = await import("../output/table.js");
        io.out(`session/${o.name} ${io.color.green("created")}`);
        io.out(renderTable(["SESSION", "TYPE", "URLS"], [[o.name, "isolated", urls]]));
      },
    });
    return EXIT.OK;
  },
});

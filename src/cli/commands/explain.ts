// `linkup explain URL [-H 'Header: value'...] [--session NAME] [--at worker|local] [-o json]`: how
// Linkup would route a request, step by step, from the same routing code the servers run.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";

export const explainCommand = defineCommand({
  name: "explain",
  description: "show step by step how Linkup would route a request to this URL (and what would make it work)",
  examples: [
    { description: "Why does this address reach (or not reach) my session?", command: "linkup explain https://lime-panda.example.com/api/orders" },
    { description: "A call from the page, with the headers the browser sends", command: "linkup explain https://api.example.com/hello -H 'Referer: https://lime-panda.example.com/'" },
    { description: "The same decision the worker would make, as JSON", command: "linkup explain https://pr-42.example.com/ --at worker -o json" },
  ],
  positionals: [{ name: "url", required: true, description: "the address, e.g. https://slim-gecko.example.com/auth/login" }],
  options: {
    ...CONFIG_OPTIONS,
    header: { type: "array", alias: "H", valueName: "header", description: "a request header, 'Name: value' (repeat for more), e.g. a Referer or tracestate" },
    method: { type: "string", alias: "X", valueName: "method", default: "GET", description: "the request method" },
    session: { type: "string", valueName: "name", description: "the session you expect the request to reach: the hint says what would make it", complete: "sessions" },
    at: { type: "string", valueName: "side", choices: ["worker", "local"], description: "where the request arrives (default: the local proxy for its port, else the worker)" },
    ...DATA_OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { explain } = await import("../../operations/explain.js");
    const ctx = openContext(configSource(args, cx));
    const report = await explain(ctx, { url: args.url, headers: args.header, method: args.method, session: args.session, at: args.at });
    await printResult(io, formatOf(args), {
      data: report,
      async text() {
        const { renderExplanation } = await import("../output/explain-report.js");
        io.out(renderExplanation(report, io));
      },
    });
    return EXIT.OK;
  },
});

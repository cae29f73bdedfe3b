// `linkup explain URL [-H 'Header: value'...] [--session NAME] [--at worker|local] [-o json]`: how
// Linkup would route a request, step by step, from the same routing code the servers run.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const explainCommand = defineCommand({
  name: "explain",
  description: "show step by step how Linkup would route a request to this URL (and what would make it work)",
  positionals: [{ name: "url", required: true, description: "the address, e.g. https://slim-gecko.example.com/auth/login" }],
  options: {
    ...CONFIG_OPTIONS,
    header: { type: "array", alias: "H", valueName: "header", description: "a request header, 'Name: value' (repeat for more), e.g. a Referer or tracestate" },
    method: { type: "string", alias: "X", valueName: "method", default: "GET", description: "the request method" },
    session: { type: "string", valueName: "name", description: "the session you expect the request to reach: the hint says what would make it" },
    at: { type: "string", valueName: "side", choices: ["worker", "local"], description: "where the request arrives (default: the local proxy for its port, else the worker)" },
    output: { type: "string", alias: "o", valueName: "format", choices: ["text", "json"], default: "text", description: "text or json" },
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { explain } = await import("../../operations/explain.js");
    const ctx = openContext(configSource(args, cx));
    const report = await explain(ctx, { url: args.url, headers: args.header, method: args.method, session: args.session, at: args.at });
    if (args.output === "json") io.out(JSON.stringify(report, null, 2));
    else {
      const { renderExplanation } = await import("../output/explain-report.js");
      io.out(renderExplanation(report, io));
    }
    return EXIT.OK;
  },
});

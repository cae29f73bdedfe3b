// `linkup requests [-f] [--session NAME] [--service NAME] [--tail N] [-o json]`: the requests the
// local server (and the embedded worker) routed, each with where it went and why.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult, serialiseEvent } from "../output/format.js";

export const requestsCommand = defineCommand({
  name: "requests",
  description: "show the requests Linkup routed on this machine: session, service, local or remote, and why",
  examples: [
    { description: "What was routed where, and why", command: "linkup requests" },
    { description: "Follow one session's requests as they happen (Ctrl-C stops)", command: "linkup requests -f --session lime-panda" },
    { description: "The last 20 requests to the api service, as JSON", command: "linkup requests --service api --tail 20 -o json" },
  ],
  options: {
    follow: { type: "boolean", alias: "f", description: "keep printing requests as they are routed" },
    session: { type: "string", valueName: "name", description: "only requests of this session", complete: "sessions" },
    service: { type: "string", valueName: "name", description: "only requests to this service", complete: "services" },
    tail: { type: "string", valueName: "n", description: "only the newest n requests already logged (default: all the log keeps)" },
    // With -f: json is one record per line, yaml one document per record.
    ...DATA_OUTPUT_OPTIONS,
  },
  validate(args) {
    if (args.tail !== undefined && !/^\d+$/.test(args.tail)) return "--tail takes a whole number";
    return undefined;
  },
  async handler(args, { io, settings }) {
    const { readRequests, followRequests } = await import("../../operations/requests.js");
    const { requestLine } = await import("../output/request-line.js");
    const filter = { session: args.session, service: args.service };
    const tail = args.tail === undefined ? undefined : Number(args.tail);
    const format = formatOf(args);
    if (!args.follow) {
      const records = await readRequests(settings, filter, tail);
      await printResult(io, format, {
        data: { requests: records },
        text: () => (records.length === 0 ? io.err("no requests logged yet") : records.forEach((r) => io.out(requestLine(r, io)))),
      });
      return EXIT.OK;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      for await (const r of followRequests(settings, filter, stop.signal, tail))
        io.out(format === "json" || format === "yaml" ? serialiseEvent(format, r) : requestLine(r, io));
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    if (!stop.signal.aborted) io.err("the local server ended the stream (it stopped?)");
    return EXIT.OK;
  },
});

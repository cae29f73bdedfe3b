// `linkup requests [-f] [--session NAME] [--service NAME] [--tail N] [-o json]`: the requests the
// local server (and the embedded worker) routed, each with where it went and why.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const requestsCommand = defineCommand({
  name: "requests",
  description: "show the requests Linkup routed on this machine: session, service, local or remote, and why",
  options: {
    follow: { type: "boolean", alias: "f", description: "keep printing requests as they are routed" },
    session: { type: "string", valueName: "name", description: "only requests of this session" },
    service: { type: "string", valueName: "name", description: "only requests to this service" },
    tail: { type: "string", valueName: "n", description: "only the newest n requests already logged (default: all the log keeps)" },
    output: { type: "string", alias: "o", valueName: "format", choices: ["text", "json"], default: "text", description: "text, or json (with -f: one JSON record per line)" },
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
    const json = args.output === "json";
    if (!args.follow) {
      const records = await readRequests(settings, filter, tail);
      if (json) io.out(JSON.stringify({ requests: records }, null, 2));
      else if (records.length === 0) io.err("no requests logged yet");
      else for (const r of records) io.out(requestLine(r, io));
      return EXIT.OK;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      for await (const r of followRequests(settings, filter, stop.signal, tail)) io.out(json ? JSON.stringify(r) : requestLine(r, io));
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    if (!stop.signal.aborted) io.err("the local server ended the stream (it stopped?)");
    return EXIT.OK;
  },
});

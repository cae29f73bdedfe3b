// `linkup logs [-f] [--since D] [--tail N]`: the local server's log, with the embedded worker's
// output in it (marked `worker <level>:`). `-f` keeps printing new lines until Ctrl-C.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";

export const logsCommand = defineCommand({
  name: "logs",
  description: "print the local server's log (and the embedded worker's output); -f follows it",
  examples: [
    { description: "Everything the local server logged", command: "linkup logs" },
    { description: "The last 10 minutes, then keep following (Ctrl-C stops)", command: "linkup logs -f --since 10m" },
    { description: "Only the embedded worker's lines, the last 50", command: "linkup logs --tail 50 | grep ' worker '" },
  ],
  options: {
    follow: { type: "boolean", alias: "f", description: "keep printing lines as they are written" },
    since: { type: "string", valueName: "when", description: "only lines from this long ago (30s, 5m, 2h, 1d) or since this time (ISO 8601)" },
    tail: { type: "string", valueName: "lines", description: "only the last N lines (before following)" },
  },
  validate: (args) => (args.tail !== undefined && !/^\d+$/.test(args.tail) ? `--tail must be a number of lines, not "${args.tail}"` : undefined),
  async handler(args, { io, settings }) {
    const { stateDirPath } = await import("../../machine/state-dir.js");
    const { followLog, localServerLogPath, parseSince, readLog, selectLines } = await import("../../operations/logs.js");
    const file = localServerLogPath(stateDirPath(settings));
    const since = args.since !== undefined ? parseSince(args.since, new Date()) : undefined;
    const { lines, offset } = readLog(file);
    if (lines.length === 0 && !args.follow) {
      note(io, io.color.dim(`no log yet: ${file} (the local server writes it once \`linkup start\` or \`linkup apply\` runs it)`));
      return EXIT.OK;
    }
    for (const line of selectLines(lines, { ...(since ? { since } : {}), ...(args.tail !== undefined ? { tail: Number(args.tail) } : {}) })) io.out(line);
    if (!args.follow) return EXIT.OK;
    note(io, io.color.dim(`following ${file} (Ctrl-C to stop)`));
    const stop = new AbortController();
    const end = () => stop.abort();
    process.once("SIGINT", end);
    process.once("SIGTERM", end);
    try {
      await followLog(file, offset, (line) => io.out(line), stop.signal);
    } finally {
      process.off("SIGINT", end);
      process.off("SIGTERM", end);
    }
    return EXIT.OK;
  },
});

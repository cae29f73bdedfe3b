// `linkup sessions list|ls [--json]`: every session the worker and the local server hold, with the
// config that manages it and, for personal sessions, whose it is.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsListCommand = defineCommand({
  name: "sessions list",
  aliases: ["ls"],
  description: "list the sessions on the worker and the local server",
  options: { ...CONFIG_OPTIONS, ...OWNER_OPTION, json: { type: "boolean", description: "print the sessions as JSON" } },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { listSessions } = await import("../../operations/session-list.js");
    const ctx = openContext(configSource(args, cx));
    const r = await listSessions(ctx);
    if (args.json) {
      io.out(JSON.stringify(r, null, 2));
      return EXIT.OK;
    }
    for (const u of r.unavailable) io.err(io.color.yellow(`warning: could not reach the ${u === "local" ? "local server" : "worker"}`));
    if (r.sessions.length === 0) {
      io.out("no sessions");
      return EXIT.OK;
    }
    const { renderTable } = await import("../output/table.js");
    const { describeExpiry } = await import("../../core/duration.js");
    const now = Date.now();
    io.out(
      renderTable(
        ["SESSION", "TYPE", "WHERE", "MANAGED BY", "OWNER", "EXPIRES", "URLS"],
        r.sessions.map((s) => [
          (s.personal ? "* " : "") + s.name,
          s.type,
          s.placements.join(", "),
          s.managed_by ?? "-",
          s.owner === null ? "-" : s.mine ? `${s.owner} (you)` : s.owner,
          describeExpiry(s.expires_at, now),
          s.urls.join("\n"),
        ]),
      ),
    );
    return EXIT.OK;
  },
});

// `linkup sessions list|ls [--json]`: every session the worker and the local server hold.
import type { CommandDef } from "../command.js";
import { CONFIG_OPTIONS } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const sessionsListCommand: CommandDef = {
  name: "sessions list",
  aliases: ["ls"],
  description: "list the sessions on the worker and the local server",
  options: [...CONFIG_OPTIONS, { flags: "--json", description: "print the sessions as JSON" }],
  async run(_args, opts, io) {
    const { openContext } = await import("../../reconcile/context.js");
    const { listSessions } = await import("../../operations/session-list.js");
    const ctx = openContext({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    const r = await listSessions(ctx);
    if (opts.json) {
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
        ["SESSION", "TYPE", "WHERE", "MANAGED BY", "EXPIRES", "URLS"],
        r.sessions.map((s) => [
          (s.personal ? "* " : "") + s.name,
          s.type,
          s.placements.join(", "),
          s.managed_by ?? "-",
          describeExpiry(s.expires_at, now),
          s.urls.join("\n"),
        ]),
      ),
    );
    return EXIT.OK;
  },
};

// `linkup sessions list|ls [-o ...]`: every session the worker and the local server hold, with the
// config that manages it and, for personal sessions, whose it is.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsListCommand = defineCommand({
  name: "sessions list",
  aliases: ["ls"],
  description: "list the sessions on the worker and the local server",
  examples: [
    { description: "Every session, with where it lives and its URLs", command: "linkup sessions list" },
    { description: "Also each one's versions and tunnel", command: "linkup sessions ls -o wide" },
    { description: "Delete every preview session by hand", command: "linkup sessions ls -o json | jq -r '.sessions[] | select(.type == \"preview\") | .name' | xargs -n1 linkup sessions delete" },
  ],
  options: { ...CONFIG_OPTIONS, ...OWNER_OPTION, ...OUTPUT_OPTIONS },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { listSessions } = await import("../../operations/session-list.js");
    const ctx = openContext(configSource(args, cx));
    const r = await listSessions(ctx);
    await printResult(io, format, {
      data: r,
      names: () => r.sessions.map((s) => sessionRef(s.name)),
      async text(wide) {
        for (const u of r.unavailable) note(io, io.color.yellow(`warning: could not reach the ${u === "local" ? "local server" : "worker"}`));
        if (r.sessions.length === 0) return io.out("no sessions");
        const { renderTable, ownerCell } = await import("../output/table.js");
        const { describeExpiry } = await import("../../core/duration.js");
        const now = Date.now();
        io.out(
          renderTable(
            ["SESSION", "TYPE", "WHERE", "MANAGED BY", "OWNER", "EXPIRES", "URLS", ...(wide ? ["VERSIONS", "TUNNEL"] : [])],
            r.sessions.map((s) => [
              s.name,
              s.type,
              s.placements,
              s.managed_by,
              ownerCell(s),
              describeExpiry(s.expires_at, now),
              [...s.urls, ...s.curl],
              ...(wide ? [Object.entries(s.versions).map(([side, v]) => `${side}=${v}`), s.tunnel_url] : []),
            ]),
          ),
        );
      },
    });
    return EXIT.OK;
  },
});

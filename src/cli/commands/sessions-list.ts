// `linkup sessions list|ls [-o ...]`: every session the worker and the local server hold.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { note } from "../io.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const sessionsListCommand = defineCommand({
  name: "sessions list",
  aliases: ["ls"],
  description: "list the sessions on the worker and the local server",
  examples: [
    { description: "Every session, with where it lives and its URLs", command: "linkup sessions list" },
    { description: "Also who manages each one, its versions and tunnel", command: "linkup sessions ls -o wide" },
    { description: "Delete every preview session by hand", command: "linkup sessions ls -o json | jq -r '.sessions[] | select(.type == \"preview\") | .name' | xargs -n1 linkup sessions delete" },
  ],
  options: { ...CONFIG_OPTIONS, ...OUTPUT_OPTIONS },
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
        const { renderTable } = await import("../output/table.js");
        const { describeExpiry } = await import("../../core/duration.js");
        const now = Date.now();
        io.out(
          renderTable(
            ["SESSION", "TYPE", "WHERE", "PERSONAL", "EXPIRES", "URLS", ...(wide ? ["MANAGED BY", "VERSIONS", "TUNNEL"] : [])],
            r.sessions.map((s) => [
              s.name,
              s.type,
              s.placements,
              s.personal ? "yes" : null,
              describeExpiry(s.expires_at, now),
              s.urls,
              ...(wide ? [s.managed_by, Object.entries(s.versions).map(([side, v]) => `${side}=${v}`), s.tunnel_url] : []),
            ]),
          ),
        );
      },
    });
    return EXIT.OK;
  },
});

// `linkup status [--session S]`: every running session (or one) with its services' locations and
// live health, then Linkup's own components, as plain tables.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, isMachineFormat, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const statusCommand = defineCommand({
  name: "status",
  description: "show the running sessions, where each service goes and whether it answers, and Linkup's own components",
  examples: [
    { description: "Every running session, its services and Linkup's components", command: "linkup status" },
    { description: "One session, with HTTP statuses, errors and tunnels", command: "linkup status --session lime-panda -o wide" },
    { description: "The same as YAML, for a bug report", command: "linkup status -o yaml" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    session: { type: "string", valueName: "name", description: "show only this session (default: all)", complete: "sessions" },
    ...OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { statusReport } = await import("../../operations/status.js");
    const { withSpinner } = await import("../output/spinner.js");
    const ctx = openContext(configSource(args, cx));
    const s = isMachineFormat(format) ? await statusReport(ctx, args.session) : await withSpinner(io, "checking services", () => statusReport(ctx, args.session));
    await printResult(io, format, {
      data: s,
      names: () => s.sessions.map((x) => sessionRef(x.name)),
      async text(wide) {
        const { renderTable, ownerCell } = await import("../output/table.js");
        const { note } = await import("../io.js");
        const c = io.color;
        const mark = (st: string) => (st === "ok" ? c.green("ok") : st === "timeout" ? c.yellow("timeout") : c.red("error"));
        for (const u of s.unavailable) note(io, c.yellow(`warning: could not reach the ${u === "local" ? "local server" : "worker"}; its sessions are not shown`));
        if (s.sessions.length === 0) io.out("no sessions");
        else {
          io.out(
            renderTable(
              ["SESSION", "TYPE", "WHERE", "OWNER", "URLS", ...(wide ? ["MANAGED BY", "TUNNEL"] : [])],
              s.sessions.map((x) => [x.name, x.type, x.placements, ownerCell(x), [...x.urls, ...x.curl], ...(wide ? [x.managed_by, x.tunnel_url] : [])]),
            ),
          );
          io.out("");
          io.out(
            renderTable(
              ["SESSION", "SERVICE", "LOCATION", "STATUS", "URL", ...(wide ? ["HTTP", "ERROR", "ROUTE"] : [])],
              s.sessions.flatMap((x) =>
                x.services.map((v) => [x.name, v.name, v.location, mark(v.status), v.url, ...(wide ? [v.http_status, v.error, v.route] : [])]),
              ),
            ),
          );
        }
        io.out("");
        io.out(
          renderTable(
            ["COMPONENT", "STATUS", "URL", ...(wide ? ["HTTP", "ERROR"] : [])],
            s.components.map((x) => [
              x.name === "tunnel" ? `tunnel/${x.session}` : x.name.replace("_", "-"),
              mark(x.status),
              x.url,
              ...(wide ? [x.http_status, x.error] : []),
            ]),
          ),
        );
        const { cloudflaredLine } = await import("../output/cloudflared-line.js");
        // Only where it matters: a session has a Cloudflare tunnel, or a cloudflared is running.
        if (s.cloudflared && (s.cloudflared.state !== "stopped" || s.sessions.some((x) => x.tunnel_url?.startsWith("https:"))))
          io.out(cloudflaredLine(s.cloudflared, io));
      },
    });
    return EXIT.OK;
  },
});

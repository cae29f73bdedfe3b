// `linkup status [--session S] [--json]`: a session's services (local or remote) with live health.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const statusCommand = defineCommand({
  name: "status",
  description: "show where each service of a session goes and whether it answers",
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    session: { type: "string", valueName: "name", description: "session to show (default: your personal session)" },
    json: { type: "boolean", description: "print the status as JSON" },
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { sessionStatus } = await import("../../operations/status.js");
    const { withSpinner } = await import("../output/spinner.js");
    const ctx = openContext(configSource(args, cx));
    const s = args.json ? await sessionStatus(ctx, args.session) : await withSpinner(io, "checking services", () => sessionStatus(ctx, args.session));
    if (args.json) {
      io.out(JSON.stringify(s, null, 2));
      return EXIT.OK;
    }
    const { renderTable } = await import("../output/table.js");
    const c = io.color;
    const mark = (st: string) => (st === "ok" ? c.green("ok") : st === "timeout" ? c.yellow("timeout") : c.red("error"));
    io.out(`Session: ${c.bold(s.session.name)} (${s.session.type}; ${s.session.placements.join(", ")})`);
    for (const u of s.session.urls) io.out(`  ${u}`);
    io.out(
      renderTable(
        ["SERVICE", "LOCATION", "STATUS", "URL"],
        [
          ...s.services.map((x) => [x.name, x.location, mark(x.status) + (x.error ? ` (${x.error})` : ""), x.url ?? "-"]),
          ...s.components.map((x) => [c.dim(x.name), "linkup", mark(x.status) + (x.error ? ` (${x.error})` : ""), x.url]),
        ],
      ),
    );
    const { cloudflaredLine } = await import("../output/cloudflared-line.js");
    // Only where it matters: this session has a Cloudflare tunnel, or a cloudflared is running.
    if (s.cloudflared && (s.cloudflared.state !== "stopped" || s.session.tunnel_url?.startsWith("https:")))
      io.out(cloudflaredLine(s.cloudflared, io));
    return EXIT.OK;
  },
});

// `linkup dashboard [--print] [-o json]`: opens the local server's dashboard with a one-time
// link (the admin token never appears in a URL).
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";

export const dashboardCommand = defineCommand({
  name: "dashboard",
  description: "open the local dashboard: sessions, local/remote switches, health and the live request log",
  examples: [
    { description: "Open the dashboard in your browser", command: "linkup dashboard" },
    { description: "Print the one-time link, e.g. to open it on another browser", command: "linkup dashboard --print" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    print: { type: "boolean", description: "only print the one-time link (do not open a browser)" },
    ...DATA_OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io, settings } = cx;
    const { stateDir } = await import("../../machine/state-dir.js");
    const { openContext } = await import("../../reconcile/context.js");
    const { dashboardLink } = await import("../../operations/dashboard.js");
    // Without a config the dashboard still shows the local server (and the embedded worker when this machine runs it).
    let ctx;
    try {
      ctx = openContext(configSource(args, cx));
    } catch (e) {
      if ((e as { code?: string }).code !== "config-not-found") throw e;
    }
    const dir = stateDir(settings);
    const link = await dashboardLink(settings, dir, ctx);
    const open = !args.print;
    if (open) {
      const { openInBrowser } = await import("../../machine/open-browser.js");
      openInBrowser(link.url);
    }
    await printResult(io, formatOf(args), {
      data: { ...link, opened: open },
      text: () => io.out(`${open ? "Opening" : "Open"} ${link.url}\n${io.color.dim(`(works once, within ${link.expires_in} s; run \`linkup dashboard\` again for a new link)`)}`),
    });
    return EXIT.OK;
  },
});

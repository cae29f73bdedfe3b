// `linkup route local|remote <service...>|--all [--session S]`: switch services of a live session.
// The change shows as drift in the next `linkup diff`; `linkup apply` puts the config back.
import { CONFIG_OPTIONS, configSource, OWNER_OPTION, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const routeCommand: CommandDef = {
  name: "route",
  description: "send services of a session to their local or remote copy",
  args: ["<target>", "[services...]"],
  options: [
    ...CONFIG_OPTIONS,
    OWNER_OPTION,
    { flags: "-a, --all", description: "every service" },
    { flags: "--session <name>", description: "session to change (default: your personal session)" },
    { flags: "--json", description: "print the result as JSON" },
  ],
  async run(args, opts, io) {
    const { ConfigError } = await import("../../core/errors.js");
    const target = args[0] as string;
    const services = (args[1] as string[] | undefined) ?? [];
    if (target !== "local" && target !== "remote") throw new ConfigError("bad-target", `route target must be local or remote, not "${target}"`);
    if (opts.all && services.length > 0) throw new ConfigError("bad-args", "give service names or --all, not both");
    if (!opts.all && services.length === 0) throw new ConfigError("bad-args", "name at least one service, or pass --all");
    const { openContext } = await import("../../reconcile/context.js");
    const { routeServices } = await import("../../operations/route.js");
    const ctx = openContext(configSource(opts, io), { owner: opts.owner });
    const r = await routeServices(ctx, target, opts.all ? "all" : services, opts.session);
    if (opts.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(`Session: ${r.session}${r.changed ? "" : io.color.dim(" (unchanged)")}`);
      const width = Math.max(...r.services.map((s) => s.name.length));
      for (const s of r.services) io.out(`  ${s.name.padEnd(width)}  ->  ${s.url ?? s.route}`);
    }
    return EXIT.OK;
  },
};

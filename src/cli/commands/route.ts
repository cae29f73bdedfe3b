// `linkup route local|remote <service...>|--all [--session S]`: switch services of a live session.
// The change shows as drift in the next `linkup diff`; `linkup apply` puts the config back.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const routeCommand = defineCommand({
  name: "route",
  description: "send services of a session to their local or remote copy",
  positionals: [
    { name: "target", required: true, choices: ["local", "remote"], description: "where the services go" },
    { name: "services", variadic: true, description: "services to switch (or --all)" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    all: { type: "boolean", alias: "a", description: "every service" },
    session: { type: "string", valueName: "name", description: "session to change (default: your personal session)" },
    json: { type: "boolean", description: "print the result as JSON" },
  },
  validate(args) {
    if (args.all && args.services.length > 0) return "give service names or --all, not both";
    if (!args.all && args.services.length === 0) return "name at least one service, or pass --all";
    return undefined;
  },
  async handler(args, cx) {
    const { io } = cx;
    const { openContext } = await import("../../reconcile/context.js");
    const { writePlan } = await import("../../reconcile/reconcile.js");
    const { planRoute, routeResult } = await import("../../operations/route.js");
    const ctx = openContext(configSource(args, cx));
    const planned = await planRoute(ctx, args.target, args.all ? "all" : args.services, args.session);
    const r = routeResult(planned, await writePlan(ctx, planned));
    if (args.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(`Session: ${r.session}${r.changed ? "" : io.color.dim(" (unchanged)")}`);
      const width = Math.max(...r.services.map((s) => s.name.length));
      for (const s of r.services) io.out(`  ${s.name.padEnd(width)}  ->  ${s.url ?? s.route}`);
    }
    return EXIT.OK;
  },
});

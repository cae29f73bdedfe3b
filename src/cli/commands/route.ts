// `linkup route local|remote <service...>|--all [--session S]`: switch services of a live session.
// The change shows as drift in the next `linkup diff` (and an `apply --watch` puts it back);
// `linkup apply` puts the config back. `--dry-run` plans and stops; `=server` asks the servers.
import { CONFIG_OPTIONS, configSource, defineCommand, OWNER_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, OUTPUT_OPTIONS, printResult, sessionRef } from "../output/format.js";

export const routeCommand = defineCommand({
  name: "route",
  description: "send services of a session to their local or remote copy",
  examples: [
    { description: "Run the api service from your machine in your personal session", command: "linkup route local api" },
    { description: "Send every service of a session back to its deployed copy", command: "linkup route remote --all --session lime-panda" },
    { description: "Check the change with the servers, storing nothing", command: "linkup route local web --dry-run=server" },
  ],
  positionals: [
    { name: "target", required: true, choices: ["local", "remote"], description: "where the services go" },
    { name: "services", variadic: true, description: "services to switch (or --all)", complete: "services" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    ...OWNER_OPTION,
    all: { type: "boolean", alias: "a", description: "every service" },
    session: { type: "string", valueName: "name", description: "session to change (default: your personal session)", complete: "sessions" },
    "dry-run": {
      type: "string",
      valueName: "strategy",
      preset: "client",
      choices: ["none", "client", "server"],
      description: "client (bare --dry-run): show the change and write nothing; server: the servers validate it and store nothing",
    },
    ...OUTPUT_OPTIONS,
  },
  validate(args) {
    if (args.all && args.services.length > 0) return "give service names or --all, not both";
    if (!args.all && args.services.length === 0) return "name at least one service, or pass --all";
    return undefined;
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { openContext } = await import("../../reconcile/context.js");
    const { writePlan } = await import("../../reconcile/reconcile.js");
    const { planRoute, routePreview, routeResult } = await import("../../operations/route.js");
    const dryRun = args.dryRun === "client" || args.dryRun === "server" ? args.dryRun : undefined;
    const ctx = openContext({ ...configSource(args, cx), ...(dryRun === "server" ? { dryRun: true } : {}) });
    const planned = await planRoute(ctx, args.target, args.all ? "all" : args.services, args.session);
    const r = dryRun === "client" ? routePreview(planned) : routeResult(planned, await writePlan(ctx, planned));
    const desired = planned.desired[0]!;
    const result = dryRun ? { ...r, dry_run: dryRun } : r;
    await printResult(io, format, {
      data: result,
      names: () => [sessionRef(r.session)],
      async text(wide) {
        const { renderTable } = await import("../output/table.js");
        const verb = r.changed ? io.color.yellow("configured") : io.color.dim("unchanged");
        io.out(`${sessionRef(r.session)} ${verb}${dryRun ? ` (${dryRun} dry run)` : ""}`);
        io.out(
          renderTable(
            ["SERVICE", "ROUTE", "URL", ...(wide ? ["LOCAL", "REMOTE"] : [])],
            r.services.map((s) => {
              const spec = desired.spec.services.find((x) => x.name === s.name);
              return [s.name, s.route, s.url, ...(wide ? [spec?.local, spec?.remote] : [])];
            }),
          ),
        );
      },
    });
    return EXIT.OK;
  },
});

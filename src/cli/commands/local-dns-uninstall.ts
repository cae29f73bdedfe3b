// `linkup local-dns uninstall [--dry-run]`: undo exactly what `local-dns install` recorded.
import { defineCommand } from "../command.js";
import { DATA_OUTPUT_OPTIONS, formatOf } from "../output/format.js";
import { EXIT } from "../exit-codes.js";
import { printLocalDnsResult } from "../output/local-dns-report.js";

export const localDnsUninstallCommand = defineCommand({
  name: "local-dns uninstall",
  description: "undo local-dns install (resolver files, trusted CA)",
  examples: [
    { description: "See what uninstall would undo", command: "linkup local-dns uninstall --dry-run" },
    { description: "Undo exactly what install did", command: "linkup local-dns uninstall" },
  ],
  options: { "dry-run": { type: "boolean", description: "print what would change and stop" }, ...DATA_OUTPUT_OPTIONS },
  async handler(args, { io, settings }) {
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsUninstall } = await import("../../machine/local-dns/local-dns.js");
    const r = await localDnsUninstall({ dryRun: args.dryRun, stateDir: stateDir(settings) });
    await printLocalDnsResult(r, formatOf(args), io);
    return EXIT.OK;
  },
});

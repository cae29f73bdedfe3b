// `linkup local-dns uninstall [--dry-run]`: undo exactly what `local-dns install` recorded.
import { defineCommand, JSON_OPTION } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { printLocalDnsResult } from "../output/local-dns-report.js";

export const localDnsUninstallCommand = defineCommand({
  name: "local-dns uninstall",
  description: "undo local-dns install (resolver files, trusted CA)",
  options: { "dry-run": { type: "boolean", description: "print what would change and stop" }, ...JSON_OPTION },
  async handler(args, { io, settings }) {
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsUninstall } = await import("../../machine/local-dns/local-dns.js");
    const r = await localDnsUninstall({ dryRun: args.dryRun, stateDir: stateDir(settings) });
    printLocalDnsResult(r, args.json, io);
    return EXIT.OK;
  },
});

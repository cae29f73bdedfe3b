// `linkup local-dns uninstall [--dry-run]`: undo exactly what `local-dns install` recorded.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { printLocalDnsResult } from "../output/local-dns-report.js";

export const localDnsUninstallCommand: CommandDef = {
  name: "local-dns uninstall",
  description: "undo local-dns install (resolver files, trusted CA)",
  options: [{ flags: "--dry-run", description: "print what would change and stop" }, { flags: "--json", description: "print the result as JSON" }],
  async run(_args, opts, io) {
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsUninstall } = await import("../../machine/local-dns/local-dns.js");
    const r = await localDnsUninstall({ dryRun: Boolean(opts.dryRun), stateDir: stateDir(io.env as NodeJS.ProcessEnv) });
    printLocalDnsResult(r, Boolean(opts.json), io);
    return EXIT.OK;
  },
};

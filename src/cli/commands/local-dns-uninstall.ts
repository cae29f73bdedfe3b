// `linkup local-dns uninstall [--dry-run]`: undo exactly what `local-dns install` recorded.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const localDnsUninstallCommand: CommandDef = {
  name: "local-dns uninstall",
  description: "undo local-dns install (resolver files, trusted CA)",
  options: [{ flags: "--dry-run", description: "print what would change and stop" }, { flags: "--json", description: "print the result as JSON" }],
  async run(_args, opts, io) {
    const { stateDir } = await import("../../proxy/state-dir.js");
    const { localDnsUninstall } = await import("../../proxy/local-dns/local-dns.js");
    const r = await localDnsUninstall({ dryRun: Boolean(opts.dryRun), stateDir: stateDir(io.env as NodeJS.ProcessEnv) });
    if (opts.json) io.out(JSON.stringify({ dry_run: r.dryRun, description: r.description, warnings: r.warnings }, null, 2));
    else {
      io.out(r.description);
      for (const w of r.warnings) io.err(io.color.yellow(`warning: ${w}`));
      if (r.dryRun) io.out(io.color.dim("(dry run: nothing was changed)"));
    }
    return EXIT.OK;
  },
};

// `linkup local-dns install [--dry-run]`: resolve the config's domains to this machine and trust
// the local CA (wraps the local-dns module; sudo is asked for only where needed).
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const localDnsInstallCommand: CommandDef = {
  name: "local-dns install",
  description: "send the config's domains to this machine and trust the local CA (needs sudo)",
  options: [...CONFIG_OPTIONS, { flags: "--dry-run", description: "print what would change and stop" }, { flags: "--json", description: "print the result as JSON" }],
  async run(_args, opts, io) {
    const { loadConfig } = await import("../../reconcile/config-file.js");
    const { stateDir } = await import("../../proxy/state-dir.js");
    const { localDnsInstall } = await import("../../proxy/local-dns/local-dns.js");
    const loaded = loadConfig({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    const r = await localDnsInstall({
      domains: loaded.config.domains.map((d) => d.domain),
      dryRun: Boolean(opts.dryRun),
      stateDir: stateDir(io.env as NodeJS.ProcessEnv),
    });
    if (opts.json) io.out(JSON.stringify({ dry_run: r.dryRun, description: r.description, warnings: r.warnings }, null, 2));
    else {
      io.out(r.description);
      for (const w of r.warnings) io.err(io.color.yellow(`warning: ${w}`));
      if (r.dryRun) io.out(io.color.dim("(dry run: nothing was changed)"));
    }
    return EXIT.OK;
  },
};

// `linkup local-dns install [--dry-run]`: resolve the config's domains to this machine and trust
// the local CA (wraps the local-dns module; sudo is asked for only where needed).
import { CONFIG_OPTIONS, configSource, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { printLocalDnsResult } from "../output/local-dns-report.js";

export const localDnsInstallCommand: CommandDef = {
  name: "local-dns install",
  description: "send the config's domains to this machine and trust the local CA (needs sudo)",
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--dry-run", description: "print what would change and stop" },
    {
      flags: "--platform <platform>",
      description: "with --dry-run: show the steps for another platform (linux assumes systemd-resolved)",
      choices: ["darwin", "linux"],
    },
    { flags: "--json", description: "print the result as JSON" },
  ],
  async run(_args, opts, io) {
    const { loadConfig } = await import("../../config/config-file.js");
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsInstall } = await import("../../machine/local-dns/local-dns.js");
    const { ConfigError } = await import("../../core/errors.js");
    if (opts.platform && !opts.dryRun)
      throw new ConfigError("platform-needs-dry-run", "--platform only previews: use it together with --dry-run");
    const loaded = loadConfig(configSource(opts, io));
    const r = await localDnsInstall({
      domains: loaded.config.domains.map((d) => d.domain),
      dryRun: Boolean(opts.dryRun),
      stateDir: stateDir(io.env as NodeJS.ProcessEnv),
      // A preview for another platform describes a machine that has what that platform needs.
      ...(opts.platform ? { platform: opts.platform as string, resolvedAvailable: true } : {}),
    });
    printLocalDnsResult(r, Boolean(opts.json), io);
    return EXIT.OK;
  },
};

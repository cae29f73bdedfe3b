// `linkup local-dns install [--dry-run]`: resolve the config's domains to this machine and trust
// the local CA (wraps the local-dns module; sudo is asked for only where needed).
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
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
    const { localServerPorts } = await import("../../core/settings.js");
    if (opts.platform && !opts.dryRun)
      throw new ConfigError("platform-needs-dry-run", "--platform only previews: use it together with --dry-run");
    const loaded = loadConfig({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd });
    // The ports the local server will use (the same environment variables it reads).
    const ports = localServerPorts(io.env);
    const r = await localDnsInstall({
      domains: loaded.config.domains.map((d) => d.domain),
      dryRun: Boolean(opts.dryRun),
      stateDir: stateDir(io.env as NodeJS.ProcessEnv),
      dnsPort: ports.dns,
      httpPort: ports.proxy,
      httpsPort: ports.https,
      // A preview for another platform describes a machine that has what that platform needs
      // (NSS databases are only found on the machine itself).
      ...(opts.platform
        ? {
            platform: opts.platform as string,
            resolvedAvailable: true,
            redirectTool: opts.platform === "linux" ? { kind: "nft" as const, path: "/usr/sbin/nft" } : { kind: "pf" as const },
            nss: null,
          }
        : {}),
    });
    printLocalDnsResult(r, Boolean(opts.json), io);
    return EXIT.OK;
  },
};

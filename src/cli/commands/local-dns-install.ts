// `linkup local-dns install [--dry-run]`: resolve the config's domains to this machine and trust
// the local CA (wraps the local-dns module; sudo is asked for only where needed).
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf } from "../output/format.js";
import { printLocalDnsResult } from "../output/local-dns-report.js";

export const localDnsInstallCommand = defineCommand({
  name: "local-dns install",
  description: "send the config's domains to this machine and trust the local CA (needs sudo)",
  examples: [
    { description: "See every file and command it would change, and stop", command: "linkup local-dns install --dry-run" },
    { description: "The steps on a Mac, previewed from Linux", command: "linkup local-dns install --dry-run --platform darwin" },
    { description: "Resolve the config's domains here and trust the local CA", command: "linkup local-dns install" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    "dry-run": { type: "boolean", description: "print what would change and stop" },
    platform: {
      type: "string",
      description: "with --dry-run: show the steps for another platform (linux assumes systemd-resolved)",
      choices: ["darwin", "linux"],
    },
    ...DATA_OUTPUT_OPTIONS,
  },
  validate: (args) => (args.platform && !args.dryRun ? "--platform only previews: use it together with --dry-run" : undefined),
  async handler(args, cx) {
    const { settings } = cx;
    const { loadConfig } = await import("../../config/config-file.js");
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsInstall } = await import("../../machine/local-dns/local-dns.js");
    const loaded = loadConfig(configSource(args, cx));
    const r = await localDnsInstall({
      domains: loaded.config.domains.map((d) => d.domain),
      dryRun: args.dryRun,
      stateDir: stateDir(settings),
      // LINKUP_DNS_PORT, when set, is also the port the local server will answer on (unset: the
      // port of an earlier install, else the default); 80 and 443 go to the proxy and HTTPS ports.
      ...(settings.ports.dns !== undefined ? { dnsPort: settings.ports.dns } : {}),
      httpPort: settings.ports.proxy,
      httpsPort: settings.ports.https,
      // A preview for another platform describes a machine that has what that platform needs
      // (NSS databases are only found on the machine itself).
      ...(args.platform
        ? {
            platform: args.platform,
            resolvedAvailable: true,
            redirectTool: args.platform === "linux" ? { kind: "nft" as const, path: "/usr/sbin/nft" } : { kind: "pf" as const },
            nss: null,
          }
        : {}),
    });
    const format = formatOf(args);
    await printLocalDnsResult(r, format, cx.io);
    if (!args.dryRun && format === "text") {
      // From now on Linkup prints https://<session>.<domain>/ URLs, served by the local server.
      const { plannedHttpsPort, runningHttpsPort } = await import("../../operations/listeners.js");
      const https = await runningHttpsPort(stateDir(settings), settings);
      const port = https.port ?? plannedHttpsPort(stateDir(settings), settings);
      const form = `https://<session>.<domain>${port === 443 ? "" : `:${port}`}/`;
      if (https.running && https.port === null)
        cx.io.out(`the local server started before this install: \`linkup stop\`, then \`linkup apply\` (or \`start\`) to serve ${form}`);
      else cx.io.out(`sessions on this machine now open at ${form}${https.running ? "" : " once the local server starts (`linkup apply` or `linkup start`)"}`);
    }
    return EXIT.OK;
  },
});

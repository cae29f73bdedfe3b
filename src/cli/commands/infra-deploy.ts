// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources. The config
// (when there is one) contributes its access block: the worker then checks Cloudflare Access, and
// the plan says what to create in Access.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { deployResultLines, infraEventLines } from "../output/infra-report.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand = defineCommand({
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  examples: [
    { description: "See the plan for your account, changing nothing", command: "CLOUDFLARE_API_TOKEN=... linkup infra deploy -a <account-id> -z <zone-id> --dry-run" },
    { description: "Deploy (or update) without asking, e.g. from CI", command: "linkup infra deploy -a <account-id> -z <zone-id> --yes" },
    { description: "With linkup.yaml's access block: also list what to create in Cloudflare Access", command: "linkup infra deploy -a <account-id> -z <zone-id> -f linkup.yaml --dry-run" },
  ],
  options: { ...INFRA_OPTIONS, ...CONFIG_OPTIONS },
  async handler(args, cx) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    const { loadConfig } = await import("../../config/config-file.js");
    const { LinkupError } = await import("../../core/errors.js");
    // Without -f/--config/LINKUP_CONFIG, no linkup.yaml here or above just means "no access block".
    let config;
    try {
      config = loadConfig(configSource(args, cx)).config;
    } catch (e) {
      const implicit = args.file.length === 0 && args.config.length === 0 && cx.settings.configFile === undefined;
      if (!(e instanceof LinkupError && e.code === "config-not-found" && implicit)) throw e;
    }
    // The plan (with what to create in Access) and each applied action as they happen; then the
    // worker URL and (once, when this deploy created it) the worker token.
    const r = await infraDeploy({
      ...infraOptions(args, cx),
      ...(config?.access
        ? {
            access: config.access,
            sessionDomains: config.domains.map((d) => d.domain),
            publicSessions: config.sessions.flatMap((s) => (s.access === "public" && s.name ? [s.name] : [])),
          }
        : {}),
      onEvent: (e) => infraEventLines(e).forEach((l) => cx.io.out(l)),
    });
    for (const line of deployResultLines(r)) cx.io.out(line);
    return r.applied || args.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
});

// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { deployResultLines, infraEventLines } from "../output/infra-report.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand = defineCommand({
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  examples: [
    { description: "See the plan for your account, changing nothing", command: "CLOUDFLARE_API_TOKEN=... linkup infra deploy -a <account-id> -z <zone-id> --dry-run" },
    { description: "Deploy (or update) without asking, e.g. from CI", command: "linkup infra deploy -a <account-id> -z <zone-id> --yes" },
  ],
  options: INFRA_OPTIONS,
  async handler(args, cx) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    // The plan and each applied action as they happen; then the worker URL and (once, when this
    // deploy created it) the worker token.
    const r = await infraDeploy({ ...infraOptions(args, cx), onEvent: (e) => infraEventLines(e).forEach((l) => cx.io.out(l)) });
    for (const line of deployResultLines(r)) cx.io.out(line);
    return r.applied || args.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
});

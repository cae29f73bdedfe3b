// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
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
    // infraDeploy prints the plan, the worker URL and (once, when it creates it) the worker token.
    const r = await infraDeploy(infraOptions(args, cx));
    return r.applied || args.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
});

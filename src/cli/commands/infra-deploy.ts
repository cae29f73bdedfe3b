// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand = defineCommand({
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  options: INFRA_OPTIONS,
  async handler(args, cx) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    // infraDeploy prints the plan, the worker URL and (once, when it creates it) the worker token.
    const r = await infraDeploy(infraOptions(args, cx));
    return r.applied || args.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
});

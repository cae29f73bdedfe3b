// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand: CommandDef = {
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  options: INFRA_OPTIONS,
  async run(_args, opts, io) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    // infraDeploy prints the plan, the worker URL and (once, when it creates it) the worker token.
    const r = await infraDeploy(infraOptions(opts, io));
    return r.applied || opts.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
};

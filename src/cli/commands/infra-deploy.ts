// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand: CommandDef = {
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  options: INFRA_OPTIONS,
  async run(_args, opts, io) {
    const { infraDeploy } = await import("../../reconcile/infra/deploy.js");
    const r = await infraDeploy(infraOptions(opts, io));
    if (r.applied || !opts.dryRun) io.out(`worker_url: ${r.workerUrl}`);
    // Shown once, because it cannot be read back later; it is the user's to store.
    if (r.workerToken) io.out(`worker_token (shown once, store it now): ${r.workerToken}`);
    return EXIT.OK;
  },
};

// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { deployResultLines, infraEventLines } from "../output/infra-report.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand: CommandDef = {
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  options: INFRA_OPTIONS,
  async run(_args, opts, io) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    // The plan and each applied action as they happen; then the worker URL and (once, when this
    // deploy created it) the worker token.
    const r = await infraDeploy({ ...infraOptions(opts, io), onEvent: (e) => infraEventLines(e).forEach((l) => io.out(l)) });
    for (const line of deployResultLines(r)) io.out(line);
    return r.applied || opts.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
};

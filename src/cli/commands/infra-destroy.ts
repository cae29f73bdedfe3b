// `linkup infra destroy`: remove everything `infra deploy` created.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { destroyResultLines, infraEventLines } from "../output/infra-report.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDestroyCommand = defineCommand({
  name: "infra destroy",
  description: "remove the Linkup worker and the Cloudflare resources infra deploy created",
  examples: [
    { description: "See what would be removed", command: "linkup infra destroy -a <account-id> -z <zone-id> --dry-run" },
    { description: "Remove the worker and everything deploy created", command: "linkup infra destroy -a <account-id> -z <zone-id>" },
  ],
  options: INFRA_OPTIONS,
  async handler(args, cx) {
    const { infraDestroy } = await import("../../infra/destroy.js");
    const r = await infraDestroy({ ...infraOptions(args, cx), onEvent: (e) => infraEventLines(e).forEach((l) => cx.io.out(l)) });
    for (const line of destroyResultLines(r)) cx.io.out(line);
    return r.applied || args.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
});

// `linkup infra destroy`: remove everything `infra deploy` created.
import type { CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { destroyResultLines, infraEventLines } from "../output/infra-report.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDestroyCommand: CommandDef = {
  name: "infra destroy",
  description: "remove the Linkup worker and the Cloudflare resources infra deploy created",
  options: INFRA_OPTIONS,
  async run(_args, opts, io) {
    const { infraDestroy } = await import("../../infra/destroy.js");
    const r = await infraDestroy({ ...infraOptions(opts, io), onEvent: (e) => infraEventLines(e).forEach((l) => io.out(l)) });
    for (const line of destroyResultLines(r)) io.out(line);
    return r.applied || opts.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
};

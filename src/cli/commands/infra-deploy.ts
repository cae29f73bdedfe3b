// `linkup infra deploy`: deploy (or update) the worker and its Cloudflare resources. The config
// (when there is one) contributes its access block: the worker then checks Cloudflare Access,
// and the plan lists what to create in Access.
import { CONFIG_OPTIONS, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { INFRA_OPTIONS, infraOptions } from "./infra-options.js";

export const infraDeployCommand: CommandDef = {
  name: "infra deploy",
  description: "deploy the Linkup worker and its Cloudflare resources (idempotent)",
  options: [...INFRA_OPTIONS, ...CONFIG_OPTIONS],
  async run(_args, opts, io) {
    const { infraDeploy } = await import("../../infra/deploy.js");
    const { loadConfig } = await import("../../config/config-file.js");
    const { LinkupError } = await import("../../core/errors.js");
    // Without -f/--config, a missing linkup.yaml just means "no access block".
    let config;
    try {
      config = loadConfig({ file: opts.file, config: opts.config, env: io.env, cwd: io.cwd }).config;
    } catch (e) {
      if (!(e instanceof LinkupError && e.code === "config-not-found" && !opts.file && !opts.config && !io.env.LINKUP_CONFIG)) throw e;
    }
    // infraDeploy prints the plan, the Access setup, the worker URL and (once, when it creates it) the worker token.
    const r = await infraDeploy({
      ...infraOptions(opts, io),
      ...(config?.access
        ? {
            access: config.access,
            sessionDomains: config.domains.map((d) => d.domain),
            publicSessions: config.sessions.filter((s) => s.access === "public" && s.name).map((s) => s.name!),
          }
        : {}),
    });
    return r.applied || opts.dryRun ? EXIT.OK : EXIT.CHANGES;
  },
};

// Flags shared by `infra deploy` and `infra destroy`, and their mapping to the infra options
// (flags win over the CLOUDFLARE_* variables in settings; the token is never printed).
import { ConfigError } from "../../core/errors.js";
import type { ArgsOf, CommandContext } from "../command.js";

export const INFRA_OPTIONS = {
  "account-id": { type: "string", alias: "a", valueName: "id", description: "Cloudflare account id (or CLOUDFLARE_ACCOUNT_ID)" },
  "zone-ids": { type: "array", alias: "z", valueName: "ids", description: "zone ids, the first is the tunnel zone (or CLOUDFLARE_ZONE_IDS, comma-separated)" },
  "api-token": { type: "string", valueName: "token", description: "Cloudflare API token (prefer CLOUDFLARE_API_TOKEN: flags end up in shell history)" },
  "dry-run": { type: "boolean", description: "print the plan and change nothing" },
  yes: { type: "boolean", alias: "y", description: "apply the plan without asking (needed when stdin is not a terminal)" },
} as const;

/** Asks before changing a Cloudflare account, as terraform does; --yes answers for the user. */
async function confirmOnTerminal(): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new ConfigError("confirmation-required", "this changes your Cloudflare account and there is no terminal to ask on", {
      hint: "review the plan above, then run again with --yes (or use --dry-run to only see it)",
    });
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question("Apply these changes? [y/N] ")).trim());
  } finally {
    rl.close();
  }
}

export function infraOptions(args: ArgsOf<typeof INFRA_OPTIONS, []>, { settings }: CommandContext) {
  const cf = settings.cloudflare;
  const zones = args.zoneIds.length > 0 ? args.zoneIds : cf.zoneIds;
  return {
    accountId: args.accountId ?? cf.accountId ?? "",
    zoneIds: zones.flatMap((z) => z.split(",")).map((z) => z.trim()).filter(Boolean),
    apiToken: args.apiToken ?? cf.apiToken ?? "",
    dryRun: args.dryRun,
    ...(args.yes || args.dryRun ? {} : { confirm: confirmOnTerminal }),
    ...(cf.apiBase ? { apiBase: cf.apiBase } : {}),
  };
}

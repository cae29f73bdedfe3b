// Flags shared by `infra deploy` and `infra destroy`, and their mapping to the infra options
// (flags win over CLOUDFLARE_* environment variables; the token is never printed).
import { ConfigError } from "../../core/errors.js";
import type { OptionDef } from "../command.js";
import type { CliIo } from "../io.js";

export const INFRA_OPTIONS: OptionDef[] = [
  { flags: "-a, --account-id <id>", description: "Cloudflare account id (or CLOUDFLARE_ACCOUNT_ID)" },
  { flags: "-z, --zone-ids <ids...>", description: "zone ids, the first is the tunnel zone (or CLOUDFLARE_ZONE_IDS, comma-separated)" },
  { flags: "--api-token <token>", description: "Cloudflare API token (prefer CLOUDFLARE_API_TOKEN: flags end up in shell history)" },
  { flags: "--dry-run", description: "print the plan and change nothing" },
  { flags: "-y, --yes", description: "apply the plan without asking (needed when stdin is not a terminal)" },
];

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

export function infraOptions(opts: Record<string, any>, io: CliIo) {
  const zones = (opts.zoneIds as string[] | undefined) ?? io.env.CLOUDFLARE_ZONE_IDS?.split(",") ?? [];
  return {
    accountId: (opts.accountId as string | undefined) ?? io.env.CLOUDFLARE_ACCOUNT_ID ?? "",
    zoneIds: zones.flatMap((z) => z.split(",")).map((z) => z.trim()).filter(Boolean),
    apiToken: (opts.apiToken as string | undefined) ?? io.env.CLOUDFLARE_API_TOKEN ?? "",
    dryRun: Boolean(opts.dryRun),
    ...(opts.yes || opts.dryRun ? {} : { confirm: confirmOnTerminal }),
    ...(io.env.CLOUDFLARE_API_BASE ? { apiBase: io.env.CLOUDFLARE_API_BASE } : {}),
  };
}

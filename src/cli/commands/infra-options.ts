// Flags shared by `infra deploy` and `infra destroy`, and their mapping to the infra options
// (flags win over CLOUDFLARE_* environment variables; the token is never printed).
import type { OptionDef } from "../command.js";
import type { CliIo } from "../io.js";

export const INFRA_OPTIONS: OptionDef[] = [
  { flags: "-a, --account-id <id>", description: "Cloudflare account id (or CLOUDFLARE_ACCOUNT_ID)" },
  { flags: "-z, --zone-ids <ids...>", description: "zone ids, the first is the tunnel zone (or CLOUDFLARE_ZONE_IDS, comma-separated)" },
  { flags: "--api-token <token>", description: "Cloudflare API token (prefer CLOUDFLARE_API_TOKEN: flags end up in shell history)" },
  { flags: "--dry-run", description: "print the plan and change nothing" },
];

export function infraOptions(opts: Record<string, any>, io: CliIo) {
  const zones = (opts.zoneIds as string[] | undefined) ?? io.env.CLOUDFLARE_ZONE_IDS?.split(",") ?? [];
  return {
    accountId: (opts.accountId as string | undefined) ?? io.env.CLOUDFLARE_ACCOUNT_ID ?? "",
    zoneIds: zones.flatMap((z) => z.split(",")).map((z) => z.trim()).filter(Boolean),
    apiToken: (opts.apiToken as string | undefined) ?? io.env.CLOUDFLARE_API_TOKEN ?? "",
    dryRun: Boolean(opts.dryRun),
    ...(io.env.CLOUDFLARE_API_BASE ? { apiBase: io.env.CLOUDFLARE_API_BASE } : {}),
    out: { write: (chunk: string) => io.out(chunk.replace(/\n$/, "")) },
  };
}

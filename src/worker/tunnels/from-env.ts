// Picks the tunnel provider from the worker's environment (wrangler vars / Miniflare bindings).
// TUNNEL_PROVIDER=cloudflare needs the CLOUDFLARE_* vars; "direct" (the default) needs nothing.
import { ConfigError } from "../../core/errors.js";
import { cloudflareTunnelProvider } from "./cloudflare.js";
import { directTunnelProvider } from "./direct.js";
import type { TunnelProvider } from "./tunnel-provider.js";
import { DEFAULT_PORTS } from "../../core/defaults.js";

export interface TunnelEnv {
  TUNNEL_PROVIDER?: string;
  CLOUDFLARE_API_BASE?: string;
  CLOUDFLARE_API_TOKEN?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_TUNNEL_ZONE_ID?: string;
  CLOUDFLARE_TUNNEL_ZONE_NAME?: string;
  TUNNEL_INGRESS_SERVICE?: string;
  DIRECT_TUNNEL_URL?: string;
}

/** The developer's tunnel listener (signed requests only), not the proxy port browsers use. */
export const DEFAULT_TUNNEL_INGRESS_SERVICE = `http://localhost:${DEFAULT_PORTS.tunnel}`;
export const DEFAULT_DIRECT_TUNNEL_URL = `http://127.0.0.1:${DEFAULT_PORTS.tunnel}`;

export function tunnelProviderFromEnv(env: TunnelEnv, fetchImpl?: typeof fetch): TunnelProvider {
  const kind = env.TUNNEL_PROVIDER || "direct";
  if (kind === "direct") return directTunnelProvider({ url: env.DIRECT_TUNNEL_URL || DEFAULT_DIRECT_TUNNEL_URL });
  if (kind !== "cloudflare") {
    throw new ConfigError("tunnel-provider-unknown", `TUNNEL_PROVIDER must be "cloudflare" or "direct", not "${kind}"`);
  }
  const required = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_TUNNEL_ZONE_ID", "CLOUDFLARE_TUNNEL_ZONE_NAME"] as const;
  const missing = required.filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new ConfigError("tunnel-config-missing", `TUNNEL_PROVIDER=cloudflare needs ${missing.join(", ")}`, {
      hint: "`linkup infra deploy` sets these on the worker.",
    });
  }
  return cloudflareTunnelProvider({
    ...(env.CLOUDFLARE_API_BASE ? { apiBase: env.CLOUDFLARE_API_BASE } : {}),
    apiToken: env.CLOUDFLARE_API_TOKEN!,
    accountId: env.CLOUDFLARE_ACCOUNT_ID!,
    zoneId: env.CLOUDFLARE_TUNNEL_ZONE_ID!,
    zoneName: env.CLOUDFLARE_TUNNEL_ZONE_NAME!,
    ingressService: env.TUNNEL_INGRESS_SERVICE || DEFAULT_TUNNEL_INGRESS_SERVICE,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

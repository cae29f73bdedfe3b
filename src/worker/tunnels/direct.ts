// The `direct` tunnel provider, for the embedded default: the worker (Miniflare) and the local
// server share a machine, so the "tunnel" is simply the local server's own address.
import type { TunnelProvider, TunnelRecord } from "./tunnel-provider.js";

export interface DirectTunnelOptions {
  /** The local server's tunnel listener as the worker can reach it, e.g. http://127.0.0.1:8792. */
  url: string;
}

export function directTunnelProvider(options: DirectTunnelOptions): TunnelProvider {
  const url = options.url.replace(/\/+$/, "");
  return {
    kind: "direct",
    async provision(session: string, now: number): Promise<TunnelRecord> {
      return {
        session,
        provider: "direct",
        tunnel_id: `direct-${session}`,
        hostname: new URL(url).host,
        tunnel_url: url,
        dns_record_id: null,
        created: now,
        last_started: now,
      };
    },
    async runToken(): Promise<string | null> {
      return null;
    },
    async destroy(): Promise<void> {},
  };
}

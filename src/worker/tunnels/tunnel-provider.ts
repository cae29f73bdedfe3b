// The tunnel-provider contract: how the worker gets a public path back to a developer's local
// server. Implementations (cloudflare.ts, direct.ts) are factories returning plain objects; this
// file runs in workerd, so it (and every implementation) uses only fetch and Web APIs.
import { TUNNEL_NAME_PREFIX } from "../../core/deployment.js";

/** What LINKUP_TUNNELS stores per session (key = session name). Times are epoch milliseconds. */
export interface TunnelRecord {
  session: string;
  provider: "cloudflare" | "direct";
  tunnel_id: string;
  hostname: string;
  tunnel_url: string;
  dns_record_id: string | null;
  created: number;
  last_started: number;
  /**
   * Where the tunnel delivers when that is not the provider's default: tunnels of Mentimeter's
   * CLI (docs/migrating.md) deliver to its local server on port 80. Absent for the default.
   */
  ingress?: string;
}

export interface TunnelProvider {
  readonly kind: "cloudflare" | "direct";
  /**
   * Creates (or adopts, when a previous attempt got half-way) everything the session's tunnel
   * needs; `ingress` replaces the provider's default delivery address when given.
   */
  provision(session: string, now: number, ingress?: string): Promise<TunnelRecord>;
  /** The secret cloudflared runs with; null when no tunnel process is needed. */
  runToken(record: TunnelRecord): Promise<string | null>;
  /** Removes what provision created. Resources already gone count as removed. */
  destroy(record: TunnelRecord): Promise<void>;
}

/** Tunnel (and DNS) name for a session: a DNS label as long as the session name is one. */
export function tunnelName(session: string): string {
  return `${TUNNEL_NAME_PREFIX}${session}`;
}

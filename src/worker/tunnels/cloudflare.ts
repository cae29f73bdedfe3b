// The `cloudflare` tunnel provider: a remotely-managed named tunnel per session, its ingress
// pointing at the developer's local server, and a proxied CNAME `linkup-tunnel-<session>.<zone>`.
// Every step first looks for what an earlier, interrupted attempt may have left, so provisioning
// can simply be retried (Cloudflare offers no transaction across tunnel + DNS).
import { ConfigError } from "../../core/errors.js";
import { isDnsLabel } from "../../core/session-name.js";
import { cloudflareApi, isCloudflareNotFound } from "../../clients/cloudflare-api.js";
import { tunnelName, type TunnelProvider, type TunnelRecord } from "./tunnel-provider.js";

export interface CloudflareTunnelOptions {
  apiBase?: string;
  apiToken: string;
  accountId: string;
  zoneId: string;
  zoneName: string;
  /** Where cloudflared sends tunnel traffic on the developer's machine (the local proxy). */
  ingressService: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface CfTunnel {
  id: string;
  name: string;
}
interface CfDnsRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  proxied?: boolean;
}

export function cloudflareTunnelProvider(options: CloudflareTunnelOptions): TunnelProvider {
  const api = cloudflareApi(options);
  const acct = `accounts/${options.accountId}`;
  const zone = `zones/${options.zoneId}`;

  async function findTunnel(name: string): Promise<CfTunnel | undefined> {
    const found = await api.list<CfTunnel>(`${acct}/cfd_tunnel`, {
      what: `look up tunnel ${name}`,
      query: { name, is_deleted: false },
    });
    return found.find((t) => t.name === name);
  }

  async function dnsRecordsNamed(hostname: string): Promise<CfDnsRecord[]> {
    const found = await api.list<CfDnsRecord>(`${zone}/dns_records`, {
      what: `look up DNS record ${hostname}`,
      query: { type: "CNAME", name: hostname },
    });
    return found.filter((r) => r.name === hostname);
  }

  async function deleteDnsRecord(id: string, hostname: string): Promise<void> {
    try {
      await api.call("DELETE", `${zone}/dns_records/${id}`, { what: `delete DNS record ${hostname}` });
    } catch (err) {
      if (!isCloudflareNotFound(err)) throw err;
    }
  }

  return {
    kind: "cloudflare",

    async provision(session: string, now: number, ingress?: string): Promise<TunnelRecord> {
      const name = tunnelName(session);
      if (!isDnsLabel(name)) {
        throw new ConfigError("tunnel-name-invalid", `session name "${session}" cannot name a tunnel: "${name}" must be a DNS label (a-z, 0-9, '-', at most 63 characters)`);
      }
      const hostname = `${name}.${options.zoneName}`;

      const tunnel =
        (await findTunnel(name)) ??
        (await api.call<CfTunnel>("POST", `${acct}/cfd_tunnel`, {
          what: `create tunnel ${name}`,
          json: { name, config_src: "cloudflare" },
        }));

      await api.call("PUT", `${acct}/cfd_tunnel/${tunnel.id}/configurations`, {
        what: `configure ingress of tunnel ${name}`,
        json: { config: { ingress: [{ hostname, service: ingress ?? options.ingressService }, { service: "http_status:404" }] } },
      });

      const target = `${tunnel.id}.cfargotunnel.com`;
      let record: CfDnsRecord | undefined;
      for (const existing of await dnsRecordsNamed(hostname)) {
        if (!record && existing.content === target && existing.proxied !== false) record = existing;
        else await deleteDnsRecord(existing.id, hostname); // stale: points at a tunnel that no longer exists
      }
      record ??= await api.call<CfDnsRecord>("POST", `${zone}/dns_records`, {
        what: `create DNS record ${hostname}`,
        json: { type: "CNAME", name: hostname, content: target, proxied: true, ttl: 1, comment: `linkup tunnel for session ${session}` },
      });

      return {
        session,
        provider: "cloudflare",
        tunnel_id: tunnel.id,
        hostname,
        tunnel_url: `https://${hostname}`,
        dns_record_id: record.id,
        created: now,
        last_started: now,
        ...(ingress !== undefined ? { ingress } : {}),
      };
    },

    async runToken(record: TunnelRecord): Promise<string | null> {
      return api.call<string>("GET", `${acct}/cfd_tunnel/${record.tunnel_id}/token`, {
        what: `get the run token of tunnel ${tunnelName(record.session)}`,
      });
    },

    async destroy(record: TunnelRecord): Promise<void> {
      if (record.dns_record_id) {
        await deleteDnsRecord(record.dns_record_id, record.hostname);
      } else {
        const target = `${record.tunnel_id}.cfargotunnel.com`;
        for (const r of await dnsRecordsNamed(record.hostname)) if (r.content === target) await deleteDnsRecord(r.id, record.hostname);
      }
      try {
        await api.call("DELETE", `${acct}/cfd_tunnel/${record.tunnel_id}`, {
          what: `delete tunnel ${tunnelName(record.session)}`,
          query: { cascade: true },
        });
      } catch (err) {
        if (!isCloudflareNotFound(err)) throw err;
      }
    },
  };
}

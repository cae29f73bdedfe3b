// Which resolvers the local DNS server forwards to: the system's own upstream servers, read from
// the files the OS keeps them in, or those given explicitly (LINKUP_DNS_UPSTREAM / --dns-upstream).
//
// A stub that routes the session domains back to us must not be used, or a forwarded query would
// loop: systemd-resolved's stubs (127.0.0.53, 127.0.0.54) send `~<domain>` to this very server, so
// on Linux the servers systemd-resolved itself uses (/run/systemd/resolve/resolv.conf) come first,
// and the stubs and this server's own address are dropped from whatever is read. On macOS
// /etc/resolv.conf lists the network's servers (/etc/resolver/<domain> is a separate mechanism).
import { readFileSync } from "node:fs";
import net from "node:net";
import { ConfigError } from "../../core/errors.js";
import type { DnsUpstream } from "./dns-server.js";

export const RESOLV_CONF_FILES = ["/run/systemd/resolve/resolv.conf", "/etc/resolv.conf"] as const;
const STUBS = new Set(["127.0.0.53", "127.0.0.54"]);
const REREAD_MS = 10_000;

/** `nameserver` lines of a resolv.conf, in order (IPv4 and IPv6; a `%zone` suffix is kept). */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && net.isIP(m[1]!.split("%")[0]!)) out.push(m[1]!);
  }
  return out;
}

/** `ip`, `ip:port`, `[ipv6]:port` or a bare IPv6 address, comma-separated; port 53 by default. */
export function parseUpstreamList(value: string, what = "LINKUP_DNS_UPSTREAM"): DnsUpstream[] {
  const out: DnsUpstream[] = [];
  for (const raw of value.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    let host = item;
    let port = 53;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    if (bracket) {
      host = bracket[1]!;
      if (bracket[2] !== undefined) port = Number(bracket[2]);
    } else if (net.isIPv4(item.split(":")[0]!) && item.includes(":")) {
      host = item.slice(0, item.indexOf(":"));
      port = Number(item.slice(item.indexOf(":") + 1));
    }
    if (!net.isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new ConfigError("invalid-dns-upstream", `${what}: "${item}" is not a resolver address (use ip, ip:port or [ipv6]:port)`);
    out.push({ host, port });
  }
  return out;
}

/** Drops resolvers that would send a query back here: resolved's stubs and this server itself. */
export function withoutLoops(upstreams: readonly DnsUpstream[], self: { host: string; port: number }): DnsUpstream[] {
  return upstreams.filter((u) => !STUBS.has(u.host) && !(u.port === self.port && (u.host === self.host || (isLoopback(u.host) && isLoopback(self.host)))));
}

function isLoopback(host: string): boolean {
  return host === "::1" || host.startsWith("127.");
}

/** The system's resolvers from the first of `files` that names any (port 53). */
export function systemUpstreams(files: readonly string[] = RESOLV_CONF_FILES, read: (path: string) => string = (p) => readFileSync(p, "utf8")): DnsUpstream[] {
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch {
      continue;
    }
    const servers = parseResolvConf(text).filter((s) => !STUBS.has(s));
    if (servers.length > 0) return servers.map((host) => ({ host, port: 53 }));
  }
  return [];
}

/**
 * The upstreams for a server listening at `self`: the explicit list when given, else the system's,
 * read again every 10 s so a laptop moving between networks keeps forwarding to the right place.
 */
export function upstreamResolvers(self: { host: string; port: number }, explicit?: readonly DnsUpstream[]): () => DnsUpstream[] {
  if (explicit && explicit.length > 0) {
    const fixed = withoutLoops(explicit, self);
    return () => fixed;
  }
  let cached: DnsUpstream[] = [];
  let readAt = -Infinity;
  return () => {
    const now = Date.now();
    if (now - readAt >= REREAD_MS) {
      readAt = now;
      cached = withoutLoops(systemUpstreams(), self);
    }
    return cached;
  };
}

// The addresses Linkup prints for a session, each of which must open as printed on this machine
// (in a browser and with plain curl), so they depend on where the session lives and on what
// listens here (listeners.ts):
// - a deployed worker (tunneled, preview): its real URL, `https://<session>.<domain>/`;
// - with local DNS installed (tunneled, isolated): the local HTTPS listener,
//   `https://<session>.<domain>[:port]/` (the DNS server resolves the domain here);
// - otherwise the no-setup alias `http://<session>.<domain>.localhost:<port>/` on the listener
//   that holds the session (the embedded worker, or the local proxy for isolated sessions):
//   browsers and curl resolve `*.localhost` to loopback, and both hosts map it back (core route);
// - where none of these opens (a name too long for DNS, a proxy bound to a non-loopback address):
//   the `curl -H 'Host: ...'` command that reaches it.
// Only top-level configured domains are listed: a domain under another one is reached through
// that one's session host (the page calls it by Referer/Origin).
import type { DomainConfig, SessionType } from "../core/config.js";

export interface Listeners {
  /** The deployed worker's URL (`linkup.worker_url`); null on the embedded default. */
  deployedWorker: string | null;
  /** The embedded worker's port (it listens on 127.0.0.1). */
  workerPort: number;
  /** The address the local proxy binds (LINKUP_PROXY_HOST) and its HTTP port. */
  proxyHost: string;
  proxyPort: number;
  /** The local HTTPS listener's port when local DNS is installed (HTTPS is on); else null. */
  httpsPort: number | null;
}

export interface SessionAddress {
  domain: string;
  /** Opens as printed in a browser and with plain curl on this machine; null when no form does. */
  url: string | null;
  /** Set when url is null: a curl command that reaches the session. */
  curl: string | null;
}

/** The longest DNS name (RFC 1035), beyond which no resolver or browser takes the alias. */
const MAX_DNS_NAME = 253;

function topLevelDomains(domains: Pick<DomainConfig, "domain">[]): string[] {
  const all = domains.map((d) => d.domain.toLowerCase());
  return all.filter((d, i) => all.indexOf(d) === i && !all.some((o) => o !== d && d.endsWith(`.${o}`)));
}

/** Whether a client on this machine reaches a listener bound to `host` through loopback. */
function reachableOnLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "" || h === "localhost" || h === "0.0.0.0" || h === "::" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function withPort(scheme: "http" | "https", port: number): string {
  return (scheme === "https" && port === 443) || (scheme === "http" && port === 80) ? "" : `:${port}`;
}

/** The session on a plain-HTTP listener of this machine: the `.localhost` alias, or the curl line. */
function onThisMachine(session: string, domain: string, bind: string, port: number): SessionAddress {
  const real = `${session}.${domain}`;
  // A domain already under .localhost opens as it is.
  const alias = domain === "localhost" || domain.endsWith(".localhost") ? real : `${real}.localhost`;
  if (reachableOnLoopback(bind) && alias.length <= MAX_DNS_NAME)
    return { domain, url: `http://${alias}${withPort("http", port)}/`, curl: null };
  const address = reachableOnLoopback(bind) ? "127.0.0.1" : hostForUrl(bind);
  return { domain, url: null, curl: `curl -H 'Host: ${real}' http://${address}:${port}/` };
}

export function sessionAddresses(
  session: string,
  type: SessionType,
  domains: Pick<DomainConfig, "domain">[],
  listeners: Listeners,
): SessionAddress[] {
  return topLevelDomains(domains).map((domain): SessionAddress => {
    if (listeners.httpsPort !== null && type !== "preview")
      return { domain, url: `https://${session}.${domain}${withPort("https", listeners.httpsPort)}/`, curl: null };
    if (type === "isolated") return onThisMachine(session, domain, listeners.proxyHost, listeners.proxyPort);
    if (listeners.deployedWorker !== null) return { domain, url: `https://${session}.${domain}/`, curl: null };
    return onThisMachine(session, domain, "127.0.0.1", listeners.workerPort);
  });
}

/** What to print for each address: the URL, else the curl command. */
export function printable(addresses: SessionAddress[]): string[] {
  return addresses.map((a) => a.url ?? a.curl!);
}

/** The JSON form every command uses: `urls` that open as printed, `curl` for the rest. */
export function addressesJson(addresses: SessionAddress[]): { urls: string[]; curl: string[] } {
  return { urls: addresses.flatMap((a) => (a.url ? [a.url] : [])), curl: addresses.flatMap((a) => (a.curl ? [a.curl] : [])) };
}

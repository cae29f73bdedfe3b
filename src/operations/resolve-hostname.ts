// "Does this hostname resolve yet?" for the tunnel readiness wait: the system resolver
// (node:dns lookup, as the browser would), except for names listed in the test-only
// LINKUP_TEST_RESOLVE_HOSTS (comma-separated; `*.zone.test` matches any subdomain), which count
// as resolving. Tests need it because a stand-in Cloudflare's tunnel zone is not in real DNS.
import { lookup } from "node:dns/promises";

export type HostResolver = (hostname: string) => Promise<boolean>;

/** `listed`: settings.testResolveHosts. */
export function hostResolver(testResolveHosts: readonly string[]): HostResolver {
  const listed = testResolveHosts.map((h) => h.toLowerCase());
  return async (hostname) => {
    const h = hostname.toLowerCase();
    if (listed.some((l) => l === h || (l.startsWith("*.") && h.endsWith(l.slice(1))))) return true;
    try {
      await lookup(hostname);
      return true;
    } catch {
      return false;
    }
  };
}

// The URLs a session answers on: `https://<name>.<domain>` for each top-level configured domain
// (a domain under another configured domain is reached through that one's session host).
import type { DomainConfig } from "../core/config.js";

export function sessionUrls(name: string, domains: Pick<DomainConfig, "domain">[]): string[] {
  const all = domains.map((d) => d.domain);
  return all.filter((d) => !all.some((o) => o !== d && d.endsWith(`.${o}`))).map((d) => `https://${name}.${d}`);
}

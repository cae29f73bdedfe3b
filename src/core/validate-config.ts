// Checks a schema-valid config for what JSON Schema cannot express: unique names, references to
// unknown services, regexes that do not compile, non-http(s) URLs, session names that are not DNS
// labels. Returns every problem with its path so the loader can point at file:line:column.
import { isAudienceTag, normaliseTeamDomain } from "./access.js";
import type { LinkupConfig } from "./config.js";
import { normaliseTtl } from "./duration.js";
import { compileRegex } from "./regex.js";
import type { Problem } from "./session.js";
import { isDnsLabel } from "./session-name.js";
import { isHttpUrl } from "./url.js";

export function validateConfig(config: LinkupConfig): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const checkRegex = (path: (string | number)[], source: string) => {
    const c = compileRegex(source);
    if (!c.ok) add(path, `invalid regular expression ${JSON.stringify(source)}: ${c.message}`);
  };
  const checkUrl = (path: (string | number)[], what: string, value: string) => {
    if (!isHttpUrl(value)) add(path, `${what} must be an absolute http:// or https:// URL, got ${JSON.stringify(value)}`);
  };

  if (config.linkup.worker_url !== undefined) checkUrl(["linkup", "worker_url"], "worker_url", config.linkup.worker_url);
  config.linkup.cache_routes.forEach((r, i) => checkRegex(["linkup", "cache_routes", i], r));
  if (config.access) {
    if (normaliseTeamDomain(config.access.team_domain) === undefined)
      add(["access", "team_domain"], `"${config.access.team_domain}" is not a Zero Trust team domain such as myteam.cloudflareaccess.com (or myteam)`);
    if (!isAudienceTag(config.access.audience))
      add(["access", "audience"], "audience must be the Access application's AUD tag (letters and digits, as the Zero Trust dashboard shows it)");
  }

  const services = new Map<string, (typeof config.services)[number]>();
  config.services.forEach((s, i) => {
    if (services.has(s.name)) add(["services", i, "name"], `duplicate service name "${s.name}"`);
    else services.set(s.name, s);
    if (s.local !== undefined) checkUrl(["services", i, "local"], `local URL of service "${s.name}"`, s.local);
    if (s.remote !== undefined) checkUrl(["services", i, "remote"], `remote URL of service "${s.name}"`, s.remote);
    if (s.local === undefined && s.remote === undefined)
      add(["services", i], `service "${s.name}" needs a local or a remote URL (or both)`);
    s.rewrites.forEach((r, j) => checkRegex(["services", i, "rewrites", j, "source"], r.source));
    if (s.health?.path !== undefined && !s.health.path.startsWith("/"))
      add(["services", i, "health", "path"], `health path of "${s.name}" must start with /`);
  });

  const known = (name: string) => services.has(name);
  const domains = new Set<string>();
  config.domains.forEach((d, i) => {
    const key = d.domain.toLowerCase();
    if (domains.has(key)) add(["domains", i, "domain"], `duplicate domain "${d.domain}"`);
    domains.add(key);
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(d.domain))
      add(["domains", i, "domain"], `"${d.domain}" is not a domain name`);
    if (!known(d.default_service)) add(["domains", i, "default_service"], `unknown service "${d.default_service}"`);
    d.routes.forEach((r, j) => {
      checkRegex(["domains", i, "routes", j, "path"], r.path);
      if (!known(r.service)) add(["domains", i, "routes", j, "service"], `unknown service "${r.service}"`);
    });
  });

  const sessionNames = new Set<string>();
  let personal = 0;
  config.sessions.forEach((s, i) => {
    if (s.name === undefined) {
      personal++;
      if (personal > 1) add(["sessions", i], "only one session may leave out its name (your personal session)");
      if (s.type === "preview") add(["sessions", i, "type"], "a preview session needs a name");
    } else {
      if (!isDnsLabel(s.name))
        add(["sessions", i, "name"], `session name "${s.name}" is not a DNS label (lowercase a-z, 0-9 and '-', at most 63 characters)`);
      if (sessionNames.has(s.name)) add(["sessions", i, "name"], `duplicate session name "${s.name}"`);
      sessionNames.add(s.name);
    }
    if (s.ttl !== undefined) {
      const t = normaliseTtl(s.ttl);
      if (!t.ok) add(["sessions", i, "ttl"], t.message);
    }
    if (s.access === "team" && !config.access)
      add(["sessions", i, "access"], "access: team needs the top-level access block (team_domain and audience) so the worker knows which Access application to trust");
    for (const [svc, target] of Object.entries(s.routes)) {
      const path = ["sessions", i, "routes", svc];
      const service = services.get(svc);
      if (!service) {
        add(path, `unknown service "${svc}"`);
        continue;
      }
      if (target === "local") {
        if (s.type === "preview") add(path, `preview sessions live in the worker only and cannot route "${svc}" to local`);
        else if (service.local === undefined) add(path, `service "${svc}" is routed local but has no local URL`);
      } else if (target === "remote") {
        if (service.remote === undefined) add(path, `service "${svc}" is routed remote but has no remote URL`);
      } else checkUrl(path, `route of "${svc}" (local, remote or a URL)`, target);
    }
    for (const service of config.services)
      if (s.routes[service.name] === undefined && service.remote === undefined)
        add(["sessions", i, "routes"], `service "${service.name}" has no remote URL, so this session must route it (local or a URL)`);
  });
  return problems;
}

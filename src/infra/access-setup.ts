// What to create in Cloudflare Access for a deployment with linkup.yaml's access block. Linkup
// does not create Access applications (they hold the team's policies, which are the team's to
// decide); `linkup infra deploy` prints these steps with the plan, `--dry-run` included.
// Pure: text from the config and the deployment's names.
import { normaliseTeamDomain } from "../core/access.js";
import type { AccessConfig } from "../core/config.js";
import { TUNNEL_PREFIX } from "./infra-model.js";

export interface AccessSetupInput {
  access: AccessConfig;
  /** linkup.yaml's domains: sessions live at <session>.<domain>. */
  sessionDomains: string[];
  /** Sessions declared `access: public`. */
  publicSessions: string[];
  tunnelZone: string;
  /** Where the CLI reaches the worker's API (the workers.dev address). */
  workerHost: string;
}

export function accessSetupLines(input: AccessSetupInput): string[] {
  const team = normaliseTeamDomain(input.access.team_domain) ?? input.access.team_domain;
  const hosts = input.sessionDomains.map((d) => `*.${d}`);
  const lines = [
    `Cloudflare Access (team ${team}): create in Zero Trust > Access > Applications (Linkup does not create these):`,
    `  1. a self-hosted application for the sessions, public hostnames: ${hosts.join(", ") || "(the session domains)"}`,
    "     policies: Allow for your team (e.g. emails ending in your company domain, or an IdP group),",
    "     and Service Auth with a service token for deployed services that call session URLs",
    `     its Application Audience (AUD) tag goes in linkup.yaml access.audience (now ${input.access.audience})`,
    `  2. keep out of that application: the tunnels (${TUNNEL_PREFIX}<session>.${input.tunnelZone}; the worker signs every`,
    `     request into them) and the session API (https://${input.workerHost}/linkup/v1, bearer token): if the tunnel zone`,
    "     is also a session domain, add a Bypass application for each tunnel hostname",
  ];
  if (input.publicSessions.length > 0)
    lines.push(
      `  3. for each access: public session, a self-hosted application with a Bypass policy for Everyone:`,
      `     ${input.publicSessions.flatMap((s) => input.sessionDomains.map((d) => `${s}.${d}`)).join(", ")}`,
    );
  lines.push(`  The worker checks Cf-Access-Jwt-Assertion against https://${team}/cdn-cgi/access/certs (RS256, issuer, audience, expiry).`);
  return lines;
}

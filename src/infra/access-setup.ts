// What to create in Cloudflare Access for a deployment with linkup.yaml's access block, as data:
// Linkup does not create Access applications (they hold the team's policies, which are the team's
// to decide), so `linkup infra deploy` reports these facts with its plan (`--dry-run` included)
// and the CLI prints them (src/cli/output/infra-report.ts). Pure.
import { accessSettingsOf, normaliseTeamDomain } from "../core/access.js";
import type { AccessConfig } from "../core/config.js";
import { TUNNEL_NAME_PREFIX } from "../core/deployment.js";

export interface AccessSetup {
  /** e.g. myteam.cloudflareaccess.com */
  teamDomain: string;
  audience: string;
  /** Where the worker fetches the team's signing keys. */
  certsUrl: string;
  /** The sessions' hostnames, one wildcard per linkup.yaml domain: the application to create. */
  sessionHosts: string[];
  /** The tunnels' hostname pattern: must stay outside that application. */
  tunnelHosts: string;
  /** The session API the CLI calls (bearer token): must stay outside it too. */
  apiUrl: string;
  /** Hostnames of `access: public` sessions: each needs a Bypass application. */
  publicHosts: string[];
}

export interface AccessSetupInput {
  access: AccessConfig;
  /** linkup.yaml's domains: sessions live at <session>.<domain>. */
  sessionDomains: string[];
  /** Sessions declared `access: public`. */
  publicSessions: string[];
  tunnelZone: string;
  /** The workers.dev host the CLI reaches the worker's API on. */
  workerHost: string;
}

export function accessSetup(input: AccessSetupInput): AccessSetup {
  const teamDomain = normaliseTeamDomain(input.access.team_domain) ?? input.access.team_domain;
  const settings = accessSettingsOf(teamDomain, input.access.audience);
  return {
    teamDomain,
    audience: input.access.audience,
    certsUrl: settings.kind === "on" ? settings.settings.certsUrl : `https://${teamDomain}/cdn-cgi/access/certs`,
    sessionHosts: input.sessionDomains.map((d) => `*.${d}`),
    tunnelHosts: `${TUNNEL_NAME_PREFIX}<session>.${input.tunnelZone}`,
    apiUrl: `https://${input.workerHost}/linkup/v1`,
    publicHosts: input.publicSessions.flatMap((s) => input.sessionDomains.map((d) => `${s}.${d}`)),
  };
}

// Cloudflare Access at the worker, the pure half: the team domain and audience a deployment
// trusts, where their signing keys live, and whether a session's request needs an Access
// assertion. Verifying the JWT itself (jose, JWKS) is the worker's (src/worker/access.ts).
//
// Where the settings live: which Access application the worker trusts is deployment config
// (worker vars ACCESS_TEAM_DOMAIN and ACCESS_AUD, written by `linkup infra deploy` from the
// `access:` block of linkup.yaml). A session record only says `team` or `public`, so nobody who
// can write sessions can point the worker at another team's keys.

/** Per session: `team` needs a valid Access assertion; `public` is open to anyone (a shared preview). */
export type AccessMode = "team" | "public";
export const ACCESS_MODES: readonly AccessMode[] = ["team", "public"];

/** The header Cloudflare Access adds to every request it lets through to the origin. */
export const ACCESS_JWT_HEADER = "cf-access-jwt-assertion";
/** Access tokens are RS256-signed; every other algorithm (`none` included) is refused. */
export const ACCESS_ALGORITHMS = ["RS256"] as const;

export interface AccessSettings {
  /** e.g. `myteam.cloudflareaccess.com` */
  teamDomain: string;
  /** The Access application's audience (AUD) tag. */
  audience: string;
  /** What Access writes as `iss`: `https://<team domain>`. */
  issuer: string;
  /** The team's signing keys (JWKS). */
  certsUrl: string;
}

const TEAM_SUFFIX = ".cloudflareaccess.com";
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * `myteam`, `myteam.cloudflareaccess.com` or `https://myteam.cloudflareaccess.com/` ->
 * `myteam.cloudflareaccess.com`; undefined for anything else.
 */
export function normaliseTeamDomain(input: string): string | undefined {
  let v = input.trim().toLowerCase();
  if (v.startsWith("https://")) v = v.slice("https://".length);
  while (v.endsWith("/")) v = v.slice(0, -1);
  const team = v.endsWith(TEAM_SUFFIX) ? v.slice(0, -TEAM_SUFFIX.length) : v;
  return LABEL.test(team) ? team + TEAM_SUFFIX : undefined;
}

/** An audience tag as the Zero Trust dashboard shows it (hex, 64 characters today; any alphanumerics accepted). */
export function isAudienceTag(value: string): boolean {
  return /^[A-Za-z0-9]{1,128}$/.test(value);
}

function isLoopbackUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  } catch {
    return false;
  }
}

export type AccessSettingsResult =
  | { kind: "off" }
  | { kind: "on"; settings: AccessSettings }
  | { kind: "invalid"; message: string };

/**
 * The worker's Access settings from its vars. Both ACCESS_TEAM_DOMAIN and ACCESS_AUD, or neither.
 * `certsUrlOverride` (ACCESS_CERTS_URL) exists for tests with a local JWKS stand-in and is
 * accepted only for a loopback URL, so it cannot redirect a deployed worker to foreign keys.
 */
export function accessSettingsOf(teamDomain: string | undefined, audience: string | undefined, certsUrlOverride?: string): AccessSettingsResult {
  const team = teamDomain?.trim() ?? "";
  const aud = audience?.trim() ?? "";
  if (team === "" && aud === "") return { kind: "off" };
  if (team === "" || aud === "")
    return { kind: "invalid", message: `Cloudflare Access needs both ACCESS_TEAM_DOMAIN and ACCESS_AUD; only ${team ? "ACCESS_TEAM_DOMAIN" : "ACCESS_AUD"} is set` };
  const domain = normaliseTeamDomain(team);
  if (!domain) return { kind: "invalid", message: `ACCESS_TEAM_DOMAIN "${team.slice(0, 80)}" is not a team domain such as myteam.cloudflareaccess.com` };
  if (!isAudienceTag(aud)) return { kind: "invalid", message: "ACCESS_AUD is not an Access audience tag (letters and digits)" };
  let certsUrl = `https://${domain}/cdn-cgi/access/certs`;
  if (certsUrlOverride) {
    if (!isLoopbackUrl(certsUrlOverride)) return { kind: "invalid", message: "ACCESS_CERTS_URL is for tests only and must be a loopback URL" };
    certsUrl = certsUrlOverride;
  }
  return { kind: "on", settings: { teamDomain: domain, audience: aud, issuer: `https://${domain}`, certsUrl } };
}

/**
 * What a request to a session needs:
 *  - `open`: route it without looking at Access;
 *  - `verify`: route it only with a valid assertion;
 *  - `unconfigured`: the session asks for Access but this worker has none: refuse (fail closed).
 * `loopbackOnly` is the embedded default: a worker on 127.0.0.1 that no Access can sit in front of.
 */
export function accessRequirement(mode: AccessMode | undefined, workerHasAccess: boolean, loopbackOnly: boolean): "open" | "verify" | "unconfigured" {
  if (mode === "public") return "open";
  if (workerHasAccess) return "verify";
  if (mode === "team" && !loopbackOnly) return "unconfigured";
  return "open";
}

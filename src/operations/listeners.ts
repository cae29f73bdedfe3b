// What listens where on this machine, for the URLs Linkup prints (session-urls.ts): the running
// local server's own answer (GET /linkup/v1/status: its proxy and HTTPS ports) when it is up, else
// what it would use on its next start (the same settings it reads, and whether `local-dns install`
// has run, which turns HTTPS on).
import { existsSync, readFileSync } from "node:fs";
import { API_PREFIX } from "../core/api.js";
import type { DomainConfig, SessionType } from "../core/config.js";
import { adminUrl, workerUrl, type LinkupSettings } from "../core/settings.js";
import { apiFetch } from "../clients/api-fetch.js";
import { readAdminToken } from "../machine/admin-token.js";
import { recordPath } from "../machine/local-dns/execute.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { sessionAddresses, type Listeners, type SessionAddress } from "./session-urls.js";

interface StatusPorts {
  ports?: { proxy?: number; https?: number | null };
}

type Where = Pick<ReconcileContext, "loaded" | "settings" | "stateDir">;

/** The running local server's ports (GET /linkup/v1/status); undefined when it does not answer. */
async function runningPorts(stateDir: string, settings: LinkupSettings, timeoutMs: number): Promise<StatusPorts["ports"] | undefined> {
  try {
    const call = apiFetch({ baseUrl: `${adminUrl(settings.ports.admin)}${API_PREFIX}`, token: () => readAdminToken(stateDir), label: "local server", timeoutMs });
    return (await call<StatusPorts>("GET", "/status")).body?.ports ?? {};
  } catch {
    return undefined;
  }
}

/** The HTTPS port `local-dns install` redirected 443 to, if it set up a redirect. */
function redirectedHttpsPort(stateDir: string): number | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(stateDir), "utf8")) as { httpsPort?: unknown };
    return typeof record.httpsPort === "number" ? record.httpsPort : undefined;
  } catch {
    return undefined;
  }
}

export async function readListeners(ctx: Where, timeoutMs = 1_500): Promise<Listeners> {
  const { settings } = ctx;
  const worker = workerUrl(ctx.loaded.config, settings);
  const running = await runningPorts(ctx.stateDir, settings, timeoutMs);
  // As the local server decides on start: LINKUP_LOCAL_DNS, else the install record's presence.
  const localDns = settings.localDns ?? existsSync(recordPath(ctx.stateDir));
  const https = running ? (running.https ?? null) : localDns ? settings.ports.https : null;
  // With the redirect install set up, 443 reaches that listener: the URL needs no port.
  const publicHttps = https !== null && https === redirectedHttpsPort(ctx.stateDir) ? 443 : https;
  return {
    deployedWorker: worker.embedded ? null : worker.url,
    workerPort: settings.ports.worker,
    proxyHost: settings.proxyHost,
    proxyPort: running?.proxy ?? settings.ports.proxy,
    httpsPort: publicHttps,
  };
}

/** A session's addresses as they open on this machine right now. */
export async function addressesHere(
  ctx: Where,
  session: string,
  type: SessionType,
  domains: Pick<DomainConfig, "domain">[] = ctx.loaded.config.domains,
): Promise<SessionAddress[]> {
  return sessionAddresses(session, type, domains, await readListeners(ctx));
}

/** Where each of these sessions opens; one question to the local server for all of them. */
export async function addressesOf(
  ctx: Where,
  sessions: { name: string; spec: { type: SessionType; domains: Pick<DomainConfig, "domain">[] } }[],
): Promise<{ name: string; type: SessionType; addresses: SessionAddress[] }[]> {
  if (sessions.length === 0) return [];
  const listeners = await readListeners(ctx);
  return sessions.map((s) => ({ name: s.name, type: s.spec.type, addresses: sessionAddresses(s.name, s.spec.type, s.spec.domains, listeners) }));
}

/** Whether the local server answers, and the port its HTTPS URLs use (443 behind the install's redirect; null: no HTTPS). */
export async function runningHttpsPort(stateDir: string, settings: LinkupSettings): Promise<{ running: boolean; port: number | null }> {
  const ports = await runningPorts(stateDir, settings, 1_500);
  const https = ports?.https ?? null;
  return { running: ports !== undefined, port: https !== null && https === redirectedHttpsPort(stateDir) ? 443 : https };
}

/** The port https URLs will use once the local server serves HTTPS (443 when install redirects it). */
export function plannedHttpsPort(stateDir: string, settings: LinkupSettings): number {
  return redirectedHttpsPort(stateDir) === settings.ports.https ? 443 : settings.ports.https;
}

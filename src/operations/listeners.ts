// What listens where on this machine, for the URLs Linkup prints (session-urls.ts): the running
// local server's own answer (GET /linkup/v1/status: its proxy and HTTPS ports) when it is up, else
// what it would use on its next start (the same settings it reads, and whether `local-dns install`
// has run, which turns HTTPS on).
import { existsSync } from "node:fs";
import { API_PREFIX } from "../core/api.js";
import { adminPort, embeddedWorkerPort, httpsPort, proxyHost, proxyPort, workerUrl } from "../core/settings.js";
import { apiFetch } from "../clients/api-fetch.js";
import { adminBaseUrl, readAdminToken } from "../clients/admin-client.js";
import { recordPath } from "../machine/local-dns/execute.js";
import type { ReconcileContext } from "../reconcile/context.js";
import type { DomainConfig, SessionType } from "../core/config.js";
import { sessionAddresses, type Listeners, type SessionAddress } from "./session-urls.js";

interface StatusPorts {
  ports?: { proxy?: number; https?: number | null };
}

/** The running local server's ports (GET /linkup/v1/status); undefined when it does not answer. */
async function runningPorts(stateDir: string, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<StatusPorts["ports"] | undefined> {
  try {
    const call = apiFetch({ baseUrl: `${adminBaseUrl(adminPort(env))}${API_PREFIX}`, token: () => readAdminToken(stateDir), label: "local server", timeoutMs });
    return (await call<StatusPorts>("GET", "/status")).body?.ports ?? {};
  } catch {
    return undefined;
  }
}

export async function readListeners(ctx: Pick<ReconcileContext, "loaded" | "env" | "stateDir">, timeoutMs = 1_500): Promise<Listeners> {
  const env = ctx.env;
  const worker = workerUrl(ctx.loaded.config, env);
  const running = await runningPorts(ctx.stateDir, env, timeoutMs);
  const localDnsFlag = env.LINKUP_LOCAL_DNS === "1" ? true : env.LINKUP_LOCAL_DNS === "0" ? false : undefined;
  // As the local server decides on start: the install record's presence turns HTTPS on.
  const localDns = localDnsFlag ?? existsSync(recordPath(ctx.stateDir));
  return {
    deployedWorker: worker.embedded ? null : worker.url,
    workerPort: embeddedWorkerPort(env),
    proxyHost: proxyHost(env),
    proxyPort: running?.proxy ?? proxyPort(env),
    httpsPort: running ? (running.https ?? null) : localDns ? httpsPort(env) : null,
  };
}

/** A session's addresses as they open on this machine right now. */
export async function addressesHere(
  ctx: Pick<ReconcileContext, "loaded" | "env" | "stateDir">,
  session: string,
  type: SessionType,
  domains: Pick<DomainConfig, "domain">[] = ctx.loaded.config.domains,
): Promise<SessionAddress[]> {
  return sessionAddresses(session, type, domains, await readListeners(ctx));
}

/** Whether the local server answers, and the HTTPS port it serves (null: none). */
export async function runningHttpsPort(stateDir: string, env: Readonly<Record<string, string | undefined>>): Promise<{ running: boolean; port: number | null }> {
  const ports = await runningPorts(stateDir, env, 1_500);
  return { running: ports !== undefined, port: ports?.https ?? null };
}

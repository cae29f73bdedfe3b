// Settings read from the environment and the config: ports and URLs both processes (the CLI and
// the local server) must agree on. Pure: the environment arrives as a map.
import type { LinkupConfig } from "./config.js";
import { DEFAULT_PORTS } from "./defaults.js";

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_EMBEDDED_WORKER_PORT = DEFAULT_PORTS.worker;
export const DEFAULT_ADMIN_PORT = DEFAULT_PORTS.admin;

export function adminPort(env: Env): number {
  return Number(env.LINKUP_ADMIN_PORT) || DEFAULT_ADMIN_PORT;
}

export function embeddedWorkerPort(env: Env): number {
  return Number(env.LINKUP_WORKER_PORT) || DEFAULT_EMBEDDED_WORKER_PORT;
}

/** The worker the config talks to: its worker_url, else the embedded one on this machine. */
export function workerUrl(config: LinkupConfig, env: Env): { url: string; embedded: boolean } {
  if (config.linkup.worker_url) return { url: config.linkup.worker_url.replace(/\/+$/, ""), embedded: false };
  return { url: `http://127.0.0.1:${embeddedWorkerPort(env)}`, embedded: true };
}

/** The local proxy's HTTP port (LINKUP_PROXY_PORT), as the local server reads it. */
export function proxyPort(env: Env): number {
  return Number(env.LINKUP_PROXY_PORT) || DEFAULT_PORTS.proxy;
}

/** The address the local proxy binds (LINKUP_PROXY_HOST). */
export function proxyHost(env: Env): string {
  return env.LINKUP_PROXY_HOST || "127.0.0.1";
}

/** The local HTTPS port (LINKUP_HTTPS_PORT), used when local DNS is on. */
export function httpsPort(env: Env): number {
  return Number(env.LINKUP_HTTPS_PORT) || DEFAULT_PORTS.https;
}

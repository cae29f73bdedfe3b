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

function portFrom(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) && n > 0 && n <= 65535 ? n : fallback;
}

/** The local server's ports as its environment sets them (LINKUP_PROXY_PORT, LINKUP_HTTPS_PORT, LINKUP_DNS_PORT). */
export function localServerPorts(env: Env): { proxy: number; https: number; dns: number } {
  return {
    proxy: portFrom(env.LINKUP_PROXY_PORT, DEFAULT_PORTS.proxy),
    https: portFrom(env.LINKUP_HTTPS_PORT, DEFAULT_PORTS.https),
    dns: portFrom(env.LINKUP_DNS_PORT, DEFAULT_PORTS.dns),
  };
}

/** The worker the config talks to: its worker_url, else the embedded one on this machine. */
export function workerUrl(config: LinkupConfig, env: Env): { url: string; embedded: boolean } {
  if (config.linkup.worker_url) return { url: config.linkup.worker_url.replace(/\/+$/, ""), embedded: false };
  return { url: `http://127.0.0.1:${embeddedWorkerPort(env)}`, embedded: true };
}

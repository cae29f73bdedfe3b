// How the local server process is configured: flags first, then environment variables, then the
// defaults in docs/architecture.md. HTTPS and DNS are served only when local DNS is installed
// (install leaves `<stateDir>/local-dns.json`) or when asked for explicitly, so a plain
// `linkup start` never opens ports it does not need.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../core/errors.js";
import { DEFAULT_DNS_PORT } from "../machine/local-dns/install.js";
import { DEFAULT_ADMIN_PORT, DEFAULT_HTTPS_PORT, DEFAULT_PROXY_PORT } from "./server.js";
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import { DEFAULT_PORTS, STATE_FILES } from "../core/defaults.js";

/** Written by `linkup local-dns install` (src/machine/local-dns); its presence turns HTTPS and DNS on. */
export const LOCAL_DNS_RECORD_FILE = "local-dns.json";
/** Written by the CLI before it starts the daemon with LINKUP_EMBEDDED_WORKER=1. */
export const WORKER_TOKEN_FILE = STATE_FILES.workerToken;
export const DEFAULT_EMBEDDED_WORKER_PORT = DEFAULT_PORTS.worker;

export interface LocalServerConfig {
  stateDir: string;
  host: string;
  port: number;
  adminPort: number;
  /** The tunnel listener; 0 (a free port) when this process hosts the embedded worker, which is told the port. */
  tunnelPort: number;
  /** null: HTTPS off. */
  httpsPort: number | null;
  /** null: DNS off. */
  dnsPort: number | null;
  /** Port of the embedded worker this process also hosts, or null. */
  embeddedWorkerPort: number | null;
  debug: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export const USAGE = `usage: node dist/daemon/main.js [--host 127.0.0.1] [--port ${DEFAULT_PROXY_PORT}] [--admin-port ${DEFAULT_ADMIN_PORT}]
  [--tunnel-port ${DEFAULT_PORTS.tunnel}] [--local-dns | --no-local-dns] [--https-port ${DEFAULT_HTTPS_PORT}] [--dns-port ${DEFAULT_DNS_PORT}] [--state-dir DIR]
env: LINKUP_HOME, LINKUP_PROXY_PORT, LINKUP_ADMIN_PORT, LINKUP_TUNNEL_PORT, LINKUP_HTTPS_PORT, LINKUP_DNS_PORT, LINKUP_LOCAL_DNS=1|0,
  LINKUP_EMBEDDED_WORKER=1 with LINKUP_WORKER_PORT, LINKUP_DEBUG=1`;

function port(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError("invalid-port", `${what} must be a port number (0-65535), not "${value}"`);
  return n;
}

/** The DNS port install configured the OS resolver with (it must match), else the default. */
function installedDnsPort(dir: string): number | null {
  const path = join(dir, LOCAL_DNS_RECORD_FILE);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as { dnsPort?: unknown };
    return typeof record.dnsPort === "number" ? record.dnsPort : DEFAULT_DNS_PORT;
  } catch {
    return DEFAULT_DNS_PORT;
  }
}

export function localServerConfig(argv: readonly string[], env: Env): LocalServerConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "admin-port": { type: "string" },
        "tunnel-port": { type: "string" },
        "https-port": { type: "string" },
        "dns-port": { type: "string" },
        "state-dir": { type: "string" },
        "local-dns": { type: "boolean" },
        "no-local-dns": { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError("invalid-arguments", `${(error as Error).message}\n${USAGE}`);
  }
  const dir = ensureStateDir(parsed["state-dir"] ? { ...env, LINKUP_HOME: parsed["state-dir"] } : (env as NodeJS.ProcessEnv));
  const installed = installedDnsPort(dir);
  const flag = parsed["local-dns"] ? true : parsed["no-local-dns"] ? false : undefined;
  const envFlag = env.LINKUP_LOCAL_DNS === "1" ? true : env.LINKUP_LOCAL_DNS === "0" ? false : undefined;
  const localDns = flag ?? envFlag ?? installed !== null;
  const embedded = env.LINKUP_EMBEDDED_WORKER === "1";
  return {
    stateDir: dir,
    host: parsed.host ?? env.LINKUP_PROXY_HOST ?? "127.0.0.1",
    port: port(parsed.port ?? env.LINKUP_PROXY_PORT, DEFAULT_PROXY_PORT, "--port"),
    adminPort: port(parsed["admin-port"] ?? env.LINKUP_ADMIN_PORT, DEFAULT_ADMIN_PORT, "--admin-port"),
    // cloudflared's ingress (set by the worker) names a fixed port; the embedded worker is told whichever port this is.
    tunnelPort: port(parsed["tunnel-port"] ?? env.LINKUP_TUNNEL_PORT, embedded ? 0 : DEFAULT_PORTS.tunnel, "--tunnel-port"),
    httpsPort: localDns ? port(parsed["https-port"] ?? env.LINKUP_HTTPS_PORT, DEFAULT_HTTPS_PORT, "--https-port") : null,
    dnsPort: localDns ? port(parsed["dns-port"] ?? env.LINKUP_DNS_PORT, installed ?? DEFAULT_DNS_PORT, "--dns-port") : null,
    embeddedWorkerPort:
      embedded ? port(env.LINKUP_WORKER_PORT, DEFAULT_EMBEDDED_WORKER_PORT, "LINKUP_WORKER_PORT") : null,
    debug: env.LINKUP_DEBUG === "1",
  };
}

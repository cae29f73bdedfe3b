// How the local server process is configured: flags first, then the environment (parsed by
// core/settings.ts, the same parser the CLI uses), then the defaults in docs/architecture.md.
// HTTPS and DNS are served only when local DNS is installed (install leaves the local-DNS record
// in the state directory) or when asked for explicitly, so a plain `linkup start` never opens
// ports it does not need.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_PORTS, STATE_FILES } from "../core/defaults.js";
import { ConfigError } from "../core/errors.js";
import { ENV, parsePort, parseSettings, type Env } from "../core/settings.js";
import { stateDir as ensureStateDir } from "../machine/state-dir.js";

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

export const USAGE = `usage: node dist/daemon/main.js [--host 127.0.0.1] [--port ${DEFAULT_PORTS.proxy}] [--admin-port ${DEFAULT_PORTS.admin}]
  [--tunnel-port ${DEFAULT_PORTS.tunnel}] [--local-dns | --no-local-dns] [--https-port ${DEFAULT_PORTS.https}] [--dns-port ${DEFAULT_PORTS.dns}] [--state-dir DIR]
env: ${ENV.home}, ${ENV.proxyHost}, ${ENV.proxyPort}, ${ENV.adminPort}, ${ENV.tunnelPort}, ${ENV.httpsPort}, ${ENV.dnsPort}, ${ENV.localDns}=1|0,
  ${ENV.embeddedWorker}=1 with ${ENV.workerPort}, ${ENV.cloudflared}, ${ENV.debug}=1`;

/** The DNS port install configured the OS resolver with (it must match), else the default; null when not installed. */
function installedDnsPort(dir: string): number | null {
  const path = join(dir, STATE_FILES.localDnsRecord);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as { dnsPort?: unknown };
    return typeof record.dnsPort === "number" ? record.dnsPort : DEFAULT_PORTS.dns;
  } catch {
    return DEFAULT_PORTS.dns;
  }
}

export function localServerConfig(argv: readonly string[], env: Env): LocalServerConfig {
  let flags;
  try {
    flags = parseArgs({
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
  const settings = parseSettings(env);
  const flagPort = (name: string, value: string | undefined) => (value === undefined ? undefined : parsePort(`--${name}`, value));
  const dir = ensureStateDir({ home: flags["state-dir"] ?? settings.home });
  const installed = installedDnsPort(dir);
  const flag = flags["local-dns"] ? true : flags["no-local-dns"] ? false : undefined;
  const localDns = flag ?? settings.localDns ?? installed !== null;
  const dnsPort = flagPort("dns-port", flags["dns-port"]) ?? settings.ports.dns ?? installed ?? DEFAULT_PORTS.dns;
  return {
    stateDir: dir,
    host: flags.host ?? settings.proxyHost,
    port: flagPort("port", flags.port) ?? settings.ports.proxy,
    adminPort: flagPort("admin-port", flags["admin-port"]) ?? settings.ports.admin,
    // cloudflared's ingress (set by the worker) names a fixed port; the embedded worker is told whichever port this is.
    tunnelPort: flagPort("tunnel-port", flags["tunnel-port"]) ?? settings.ports.tunnel ?? (settings.embeddedWorker ? 0 : DEFAULT_PORTS.tunnel),
    httpsPort: localDns ? (flagPort("https-port", flags["https-port"]) ?? settings.ports.https) : null,
    dnsPort: localDns ? dnsPort : null,
    embeddedWorkerPort: settings.embeddedWorker ? settings.ports.worker : null,
    debug: settings.debug,
  };
}

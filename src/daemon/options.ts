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
import { ENV, isSet, parsePort, parseSettings, type Env } from "../core/settings.js";
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import type { DnsUpstream } from "./dns/dns-server.js";
import { parseUpstreamList } from "./dns/upstream-resolvers.js";

export interface LocalServerConfig {
  stateDir: string;
  host: string;
  port: number;
  adminPort: number;
  /** null: HTTPS off. */
  httpsPort: number | null;
  /** null: DNS off. */
  dnsPort: number | null;
  /** Resolvers local DNS forwards to; empty: the system's (resolv.conf). */
  dnsUpstreams: DnsUpstream[];
  /** Port of the embedded worker this process also hosts, or null. */
  embeddedWorkerPort: number | null;
  debug: boolean;
  /** local-server.log is rotated beyond this size (LINKUP_LOG_MAX_BYTES). */
  logMaxBytes: number;
  /** Where to say "ready" once every listener is up (LINKUP_READY_FD, set by the CLI that starts it). */
  readyFd: number | undefined;
}

export const USAGE = `usage: node dist/daemon/main.js [--host 127.0.0.1] [--port ${DEFAULT_PORTS.proxy}] [--admin-port ${DEFAULT_PORTS.admin}]
  [--local-dns | --no-local-dns] [--https-port ${DEFAULT_PORTS.https}] [--dns-port ${DEFAULT_PORTS.dns}] [--dns-upstream IP[:PORT],...] [--state-dir DIR]
env: ${ENV.home}, ${ENV.proxyHost}, ${ENV.proxyPort}, ${ENV.adminPort}, ${ENV.httpsPort}, ${ENV.dnsPort}, ${ENV.dnsUpstream}, ${ENV.localDns}=1|0,
  ${ENV.embeddedWorker}=1 with ${ENV.workerPort}, ${ENV.cloudflared}, ${ENV.debug}=1, ${ENV.logMaxBytes}`;

/**
 * The ports install configured the system with: the OS resolver's DNS port, and the HTTP and HTTPS
 * ports that 80 and 443 are redirected to. They must match, so they are the defaults while local
 * DNS is installed. null when not installed.
 */
function installedPorts(dir: string): { dns: number; http?: number; https?: number } | null {
  const path = join(dir, STATE_FILES.localDnsRecord);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as { dnsPort?: unknown; httpPort?: unknown; httpsPort?: unknown };
    return {
      dns: typeof record.dnsPort === "number" ? record.dnsPort : DEFAULT_PORTS.dns,
      ...(typeof record.httpPort === "number" ? { http: record.httpPort } : {}),
      ...(typeof record.httpsPort === "number" ? { https: record.httpsPort } : {}),
    };
  } catch {
    return { dns: DEFAULT_PORTS.dns };
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
        "https-port": { type: "string" },
        "dns-port": { type: "string" },
        "dns-upstream": { type: "string" },
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
  const installed = installedPorts(dir);
  const flag = flags["local-dns"] ? true : flags["no-local-dns"] ? false : undefined;
  const localDns = flag ?? settings.localDns ?? installed !== null;
  const dnsPort = flagPort("dns-port", flags["dns-port"]) ?? settings.ports.dns ?? installed?.dns ?? DEFAULT_PORTS.dns;
  // Where install pointed 80 and 443, unless a flag or the variable says otherwise.
  const proxyPort = flagPort("port", flags.port) ?? (isSet(env, ENV.proxyPort) ? settings.ports.proxy : (installed?.http ?? settings.ports.proxy));
  const httpsPort = flagPort("https-port", flags["https-port"]) ?? (isSet(env, ENV.httpsPort) ? settings.ports.https : (installed?.https ?? settings.ports.https));
  const upstreamFlag = flags["dns-upstream"];
  return {
    stateDir: dir,
    host: flags.host ?? settings.proxyHost,
    port: proxyPort,
    adminPort: flagPort("admin-port", flags["admin-port"]) ?? settings.ports.admin,
    httpsPort: localDns ? httpsPort : null,
    dnsPort: localDns ? dnsPort : null,
    dnsUpstreams:
      upstreamFlag !== undefined ? parseUpstreamList(upstreamFlag, "--dns-upstream") : parseUpstreamList(settings.dnsUpstream.join(","), ENV.dnsUpstream),
    embeddedWorkerPort: settings.embeddedWorker ? settings.ports.worker : null,
    debug: settings.debug,
    logMaxBytes: settings.logMaxBytes,
    readyFd: settings.readyFd,
  };
}

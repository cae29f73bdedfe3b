// `linkup health`: what a bug report needs. The state directory and its files, the processes
// Linkup runs (pid files, alive or not), versions, local DNS, the cloudflared state, and orphans:
// processes still alive from a pid file while their server no longer answers. Never prints a token.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_VERSION } from "../core/api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { isUp } from "./runtime.js";
import { adminPort, workerUrl } from "../core/settings.js";
import { adminBaseUrl } from "../clients/admin-client.js";
import { fetchWithTimeout } from "../clients/ref-timeout.js";
import { readTunnelStatus } from "./tunnel-connect.js";
import type { TunnelConnectorStatus } from "../daemon/cloudflared/tunnel-connector.js";
import { DEFAULT_PORTS } from "../core/defaults.js";
import { processExists } from "../machine/daemon.js";
import { findOrphans } from "../machine/orphans.js";

export interface ProcessInfo {
  name: string;
  pid_file: string;
  pid: number | null;
  alive: boolean;
}

export interface HealthReport {
  cli: { version: string; api_version: string; node: string };
  system: { os: string; arch: string };
  state_dir: { path: string; files: string[] };
  local_server: { url: string; reachable: boolean; version: string | null; pid: number | null };
  worker: { url: string; embedded: boolean; reachable: boolean; version: string | null };
  local_dns: { installed: boolean; domains: string[] } | null;
  /** The cloudflared the local server runs; null when the local server does not answer. */
  tunnel: TunnelConnectorStatus | null;
  processes: ProcessInfo[];
  /**
   * Processes still alive from a pid file while their server is gone: a local server that does not
   * answer, or a helper (embedded-worker = workerd, cloudflared) whose local server is not running.
   * `linkup stop` (and the next `start`) ends them.
   */
  orphans: ProcessInfo[];
  /** Pid files whose process is gone (harmless; replaced on the next start). */
  stale_pid_files: string[];
  config: { file: string; identity: string } | null;
}

function pidFiles(dir: string): ProcessInfo[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".pid")).sort();
  } catch {
    return [];
  }
  return names.map((f) => {
    let pid: number | null = null;
    try {
      const n = Number.parseInt(readFileSync(join(dir, f), "utf8").split("\n")[0] ?? "", 10);
      pid = Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      pid = null;
    }
    return { name: f.slice(0, -4), pid_file: join(dir, f), pid, alive: pid !== null && processExists(pid) };
  });
}

/** Helpers verified by command line (orphans.ts), plus a local server alive that does not answer. */
function orphansOf(processes: ProcessInfo[], stateDir: string, adminUp: boolean): ProcessInfo[] {
  const helpers = new Map(findOrphans(stateDir).map((o) => [o.name as string, o.pid]));
  return processes.filter((p) => (p.name === "local-server" ? p.alive && !adminUp : p.alive && helpers.get(p.name) === p.pid));
}

async function checkVersion(url: string, headers: Record<string, string>): Promise<string | null> {
  try {
    const res = await fetchWithTimeout(url, { headers }, 2_000);
    const body = (await res.json().catch(() => null)) as { version?: string } | null;
    return body?.version ?? null;
  } catch {
    return null;
  }
}

export async function healthReport(input: {
  stateDir: string;
  env: Readonly<Record<string, string | undefined>>;
  cliVersion: string;
  ctx?: ReconcileContext;
}): Promise<HealthReport> {
  const admin = adminBaseUrl(adminPort(input.env));
  const worker = input.ctx ? workerUrl(input.ctx.loaded.config, input.env) : { url: `http://127.0.0.1:${input.env.LINKUP_WORKER_PORT ?? DEFAULT_PORTS.worker}`, embedded: true };
  const headers = { "x-linkup-version": API_VERSION };
  const [adminUp, workerUp, adminVersion, workerVersion, tunnel] = await Promise.all([
    isUp(admin, 2_000),
    isUp(worker.url, 2_000),
    checkVersion(`${admin}/linkup/v1/check`, headers),
    checkVersion(`${worker.url}/linkup/v1/check`, headers),
    readTunnelStatus(input.stateDir, input.env),
  ]);
  let localDns: HealthReport["local_dns"] = null;
  try {
    const { localDnsStatus } = await import("../machine/local-dns/local-dns.js");
    const s = localDnsStatus(input.stateDir);
    localDns = { installed: s.installed, domains: s.domains };
  } catch {
    localDns = null;
  }
  const processes = pidFiles(input.stateDir);
  const server = processes.find((p) => p.name === "local-server");
  let files: string[] = [];
  try {
    files = readdirSync(input.stateDir).sort();
  } catch {
    files = [];
  }
  return {
    cli: { version: input.cliVersion, api_version: API_VERSION, node: process.version },
    system: { os: process.platform, arch: process.arch },
    state_dir: { path: input.stateDir, files },
    local_server: { url: admin, reachable: adminUp, version: adminVersion, pid: server?.alive ? server.pid : null },
    worker: { url: worker.url, embedded: worker.embedded, reachable: workerUp, version: workerVersion },
    local_dns: localDns,
    tunnel,
    processes,
    // cloudflared belongs to the local server: alive without it, nobody supervises or stops it.
    orphans: orphansOf(processes, input.stateDir, adminUp),
    stale_pid_files: processes.filter((p) => !p.alive).map((p) => p.pid_file),
    config: input.ctx ? { file: input.ctx.loaded.file, identity: input.ctx.identity } : null,
  };
}

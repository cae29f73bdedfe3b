// `linkup health`: what a bug report needs. The state directory and its files, the processes
// Linkup runs (pid files, alive or not), versions, local DNS, the cloudflared state, and orphans:
// processes still alive from a pid file while their server no longer answers. Never prints a token.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_VERSION } from "../core/api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { adminUrl, embeddedWorkerUrl, type LinkupSettings } from "../core/settings.js";
import { adminClient } from "../clients/admin-client.js";
import { isReachable } from "../clients/reachable.js";
import type { SessionApi } from "../clients/session-api.js";
import { workerClient } from "../clients/worker-client.js";
import { readTunnelStatus } from "./tunnel-connect.js";
import type { TunnelConnectorStatus } from "../core/local-api.js";
import { PID_SUFFIX, STATE_FILES } from "../core/defaults.js";
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
  config: { file: string; files: string[]; identity: string; owner: string } | null;
}

function pidFiles(dir: string): ProcessInfo[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(PID_SUFFIX)).sort();
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
    return { name: f.slice(0, -PID_SUFFIX.length), pid_file: join(dir, f), pid, alive: pid !== null && processExists(pid) };
  });
}

/** Helpers verified by command line (orphans.ts), plus a local server alive that does not answer. */
function orphansOf(processes: ProcessInfo[], stateDir: string, adminUp: boolean): ProcessInfo[] {
  const helpers = new Map(findOrphans(stateDir).map((o) => [o.name as string, o.pid]));
  return processes.filter((p) => (p.name === STATE_FILES.localServer ? p.alive && !adminUp : p.alive && helpers.get(p.name) === p.pid));
}

/** The server's API version from an authenticated /check; null when it does not answer or refuses. */
async function versionOf(client: SessionApi): Promise<string | null> {
  try {
    return (await client.check({ timeoutMs: 2_000 })).version ?? null;
  } catch {
    return null;
  }
}

export async function healthReport(input: {
  stateDir: string;
  settings: LinkupSettings;
  cliVersion: string;
  ctx?: ReconcileContext;
}): Promise<HealthReport> {
  const admin = adminUrl(input.settings.ports.admin);
  // Without a config: the embedded worker, where `start` would run it.
  const worker = input.ctx
    ? { url: input.ctx.urls.worker, embedded: input.ctx.embeddedWorker }
    : { url: embeddedWorkerUrl(input.settings.ports.worker), embedded: true };
  // Without a config there is no worker token to send: the worker's version then reads as unknown.
  const clients = input.ctx?.clients ?? {
    local: adminClient({ stateDir: input.stateDir, adminPort: input.settings.ports.admin }),
    worker: workerClient({ workerUrl: worker.url, token: undefined }),
  };
  const [adminUp, workerUp, adminVersion, workerVersion, tunnel] = await Promise.all([
    isReachable(admin, 2_000),
    isReachable(worker.url, 2_000),
    versionOf(clients.local),
    versionOf(clients.worker),
    readTunnelStatus(clients.local),
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
  const server = processes.find((p) => p.name === STATE_FILES.localServer);
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
    config: input.ctx
      ? { file: input.ctx.loaded.file, files: input.ctx.loaded.files, identity: input.ctx.identity, owner: input.ctx.owner.id }
      : null,
  };
}

// What the dashboard shows, gathered on each poll: the local server's own sessions and status, the
// worker's sessions (through its session API, with the worker URL and token the CLI handed over at
// login), and a health probe of each service copy (the health paths from linkup.yaml, also from
// the login). Probes run in parallel with a short timeout, one per distinct URL.
import { API_PREFIX, API_VERSION, VERSION_HEADER, type SessionList } from "../../../core/api.js";
import type { DashboardContext, DashboardSession, DashboardState, HealthProbe, LocalStatus } from "../../../core/local-api.js";
import type { SessionRecord } from "../../../core/session.js";

const PROBE_TIMEOUT_MS = 2_000;
const WORKER_TIMEOUT_MS = 5_000;

export interface DashboardSources {
  localSessions(): Promise<SessionRecord[]>;
  status(): Promise<LocalStatus>;
}

/** A call to the worker's session API with the login's token; `path` is relative to /linkup/v1. */
export function workerApiFetch(worker: NonNullable<DashboardContext["worker"]>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(VERSION_HEADER, API_VERSION);
  headers.set("accept", "application/json");
  if (worker.token) headers.set("authorization", `Bearer ${worker.token}`);
  return fetch(`${worker.url}${API_PREFIX}${path}`, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(WORKER_TIMEOUT_MS) });
}

async function workerSessions(worker: DashboardContext["worker"]): Promise<{ sessions: SessionRecord[]; reachable: boolean; error: string | null }> {
  if (!worker) return { sessions: [], reachable: false, error: "no worker given at login" };
  try {
    const res = await workerApiFetch(worker, "/sessions");
    const body = (await res.json().catch(() => undefined)) as (SessionList & { error?: { message: string } }) | undefined;
    if (!res.ok) return { sessions: [], reachable: true, error: body?.error?.message ?? `HTTP ${res.status}` };
    return { sessions: body?.sessions ?? [], reachable: true, error: null };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { sessions: [], reachable: false, error: e.name === "TimeoutError" ? "no answer" : (e.cause?.code ?? e.message) };
  }
}

async function probe(url: string, statuses: number[]): Promise<HealthProbe> {
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    const ok = statuses.length ? statuses.includes(res.status) : res.status < 500;
    return { status: ok ? "ok" : "error", http_status: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === "TimeoutError") return { status: "timeout", http_status: null, error: `no answer in ${PROBE_TIMEOUT_MS} ms` };
    return { status: "error", http_status: null, error: e.cause?.code ?? e.message };
  }
}

/** Top-level domains of a spec (a domain under another is reached through that one's session host). */
function topDomains(record: SessionRecord): string[] {
  const all = record.spec.domains.map((d) => d.domain);
  return all.filter((d) => !all.some((o) => o !== d && d.endsWith(`.${o}`)));
}

function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/** Where the session answers from this machine: through the worker when it has a copy there, else the local proxy. */
function sessionUrls(name: string, record: SessionRecord, onWorker: boolean, worker: DashboardContext["worker"], ports: LocalStatus["ports"]): string[] {
  let base: (domain: string) => string;
  if (onWorker && worker) {
    const u = new URL(worker.url);
    // The embedded worker (loopback) is reached on its port; a deployed one on the domain itself.
    base = isLoopback(u) ? (d) => `http://${name}.${d}:${u.port || 80}/` : (d) => `https://${name}.${d}/`;
  } else if (ports.https !== null) base = (d) => `https://${name}.${d}:${ports.https}/`;
  else base = (d) => `http://${name}.${d}:${ports.proxy}/`;
  return topDomains(record).map(base);
}

function healthUrl(base: string | undefined, path: string): string | undefined {
  if (!base) return undefined;
  try {
    return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : base + "/").toString();
  } catch {
    return undefined;
  }
}

export async function dashboardState(context: DashboardContext, sources: DashboardSources, now = Date.now): Promise<DashboardState> {
  const [local, status, worker] = await Promise.all([sources.localSessions(), sources.status(), workerSessions(context.worker)]);
  const byName = new Map<string, { placement: "local" | "worker"; record: SessionRecord }[]>();
  for (const record of worker.sessions) byName.set(record.name, [{ placement: "worker", record }]);
  for (const record of local) byName.set(record.name, [...(byName.get(record.name) ?? []), { placement: "local", record }]);

  // One probe per distinct URL, shared by every session and service that names it.
  const probes = new Map<string, Promise<HealthProbe>>();
  const probeOf = (url: string | undefined, service: string): Promise<HealthProbe> | null => {
    if (!url) return null;
    const h = context.health[service];
    const target = healthUrl(url, h?.path ?? "/");
    if (!target) return null;
    let p = probes.get(target);
    if (!p) probes.set(target, (p = probe(target, h?.statuses ?? [])));
    return p;
  };

  const sessions = await Promise.all(
    [...byName.entries()].map(async ([name, copies]): Promise<DashboardSession> => {
      const first = copies.find((c) => c.placement === "local") ?? copies[0]!;
      const record = first.record;
      const services = await Promise.all(
        record.spec.services.map(async (s) => {
          const routes: Partial<Record<"local" | "worker", string>> = {};
          for (const c of copies) {
            const svc = c.record.spec.services.find((x) => x.name === s.name);
            if (svc) routes[c.placement] = svc.route;
          }
          const [localHealth, remoteHealth] = await Promise.all([probeOf(s.local, s.name), probeOf(s.remote, s.name)]);
          return { name: s.name, routes, local: s.local ?? null, remote: s.remote ?? null, health: { local: localHealth, remote: remoteHealth } };
        }),
      );
      return {
        name,
        type: record.spec.type,
        copies,
        managed_by: record.managed_by,
        owner: record.owner ?? null,
        expires_at: record.expires_at ?? null,
        urls: sessionUrls(name, record, copies.some((c) => c.placement === "worker"), context.worker, status.ports),
        services,
      };
    }),
  );
  sessions.sort((a, b) => (a.name === context.personal ? -1 : b.name === context.personal ? 1 : a.name.localeCompare(b.name)));
  return {
    generated_at: new Date(now()).toISOString(),
    local_server: { pid: status.pid, version: status.version, started_at: status.started_at, ports: status.ports, sessions: status.sessions },
    worker: { url: context.worker?.url ?? null, embedded: context.worker?.embedded ?? false, reachable: worker.reachable, error: worker.error },
    tunnel: status.tunnel,
    personal: context.personal,
    config_file: context.config_file,
    sessions,
  };
}

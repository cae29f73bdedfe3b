// The two servers a CLI test talks to: the worker (under Miniflare, via the embedded worker host)
// and the local server (its admin API), each on a free port, with LINKUP_HOME a fresh temp dir.
// Always the real servers: a test that silently fell back to a stand-in could pass while the
// real worker or local server is broken.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { SessionRecord } from "../../../src/core/session.js";
import { adminClient } from "../../../src/clients/admin-client.js";
import { workerClient } from "../../../src/clients/worker-client.js";

const root = resolve(import.meta.dirname, "../../..");

export interface Backends {
  home: string;
  workerUrl: string;
  workerToken: string;
  adminPort: number;
  /** Environment for the CLI process. */
  env: Record<string, string>;
  workerRecords(): Promise<SessionRecord[]>;
  localRecords(): Promise<SessionRecord[]>;
  /** Writes both servers have accepted (sum of session versions). */
  writes(): Promise<number>;
  /** Rewrites a worker session record in KV directly (as time would leave it: e.g. near its expiry). */
  patchWorkerRecord(name: string, patch: Partial<SessionRecord>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Environment for a Linkup runtime of a test's own: its state directory and free ports for the
 * admin API, the embedded worker and the proxy, local DNS off, so it never touches a developer's
 * running Linkup.
 */
export async function isolatedRuntimeEnv(home: string): Promise<Record<string, string>> {
  return {
    LINKUP_HOME: home,
    LINKUP_ADMIN_PORT: String(await freePort()),
    LINKUP_WORKER_PORT: String(await freePort()),
    LINKUP_PROXY_PORT: String(await freePort()),
    LINKUP_LOCAL_DNS: "0",
  };
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

type Closer = () => Promise<void>;

interface KvHandle {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

async function startReal(home: string, token: string): Promise<{ workerUrl: string; adminPort: number; closers: Closer[]; kv: () => Promise<KvHandle> }> {
  const closers: Closer[] = [];
  try {
    const workerHost = join(root, "src/daemon/embedded-worker/worker-host.ts");
    const server = join(root, "src/daemon/server.ts");
    const { startEmbeddedWorker } = (await import(workerHost)) as {
      startEmbeddedWorker(o: {
        port: number;
        host: string;
        stateDir: string;
        token: string;
        vars?: Record<string, string>;
        onLog?: (entry: { level: string; message: string }) => void;
      }): Promise<{
        url: string;
        miniflare: { getKVNamespace(binding: string): Promise<unknown> };
        close(): Promise<void>;
      }>;
    };
    const { startLocalServer } = (await import(server)) as {
      startLocalServer(o: { host: string; port: number; adminPort: number; stateDir: string }): Promise<{ proxyUrl: string; tunnelUrl: string; close(): Promise<void> }>;
    };
    const adminPort = await freePort();
    const local = await startLocalServer({ host: "127.0.0.1", port: await freePort(), adminPort, stateDir: home });
    closers.push(() => local.close());
    const workerState = mkdtempSync(join(tmpdir(), "linkup-worker-"));
    closers.push(async () => rmSync(workerState, { recursive: true, force: true }));
    const worker = await startEmbeddedWorker({
      port: 0,
      host: "127.0.0.1",
      stateDir: workerState,
      token,
      // As the daemon does for the embedded default: `local` services go through this local server.
      vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: local.tunnelUrl },
      // The worker's request log lines would otherwise go to the test's stdout.
      onLog: () => {},
    });
    closers.push(() => worker.close());
    return {
      workerUrl: worker.url.replace(/\/+$/, ""),
      adminPort,
      closers,
      kv: async () => (await worker.miniflare.getKVNamespace("LINKUP_SESSIONS")) as KvHandle,
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw e;
  }
}

export async function startBackends(): Promise<Backends> {
  const home = mkdtempSync(join(tmpdir(), "linkup-home-"));
  const workerToken = "test-worker-token";
  const { workerUrl, adminPort, closers, kv } = await startReal(home, workerToken);
  const worker = workerClient({ workerUrl, token: workerToken });
  const local = adminClient({ stateDir: home, adminPort });
  return {
    home,
    workerUrl,
    workerToken,
    adminPort,
    env: { LINKUP_HOME: home, LINKUP_ADMIN_PORT: String(adminPort), NO_COLOR: "1" },
    workerRecords: () => worker.list(),
    localRecords: () => local.list(),
    // Every write bumps a session's version by one, so the sum of versions on both servers counts
    // the writes they accepted (sessions are not deleted in the tests that use this).
    async writes() {
      const all = [...(await worker.list()), ...(await local.list())];
      return all.reduce((n, r) => n + r.version, 0);
    },
    async patchWorkerRecord(name, patch) {
      const ns = await kv();
      const raw = await ns.get(`session:${name}`, "text");
      if (raw === null) throw new Error(`no worker session ${name}`);
      await ns.put(`session:${name}`, JSON.stringify({ ...(JSON.parse(raw) as SessionRecord), ...patch }));
    },
    async close() {
      for (const c of closers.reverse()) await c();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** One teammate: their own state directory and their own local server. */
export interface Teammate {
  name: string;
  home: string;
  adminPort: number;
  /** Environment for this teammate's CLI process. */
  env: Record<string, string>;
  localRecords(): Promise<SessionRecord[]>;
}

export interface TeamBackends {
  workerUrl: string;
  workerToken: string;
  members: Teammate[];
  workerRecords(): Promise<SessionRecord[]>;
  close(): Promise<void>;
}

/**
 * A team sharing one worker (the embedded worker under Miniflare, as a deployed one would be
 * shared): one state directory and one local server per teammate, all real, on free ports.
 */
export async function startTeamBackends(names: string[]): Promise<TeamBackends> {
  const closers: Closer[] = [];
  const homes: string[] = [];
  try {
    const workerToken = "team-worker-token";
    const { startEmbeddedWorker } = (await import(join(root, "src/daemon/embedded-worker/worker-host.ts"))) as {
      startEmbeddedWorker(o: { port: number; host: string; stateDir: string; token: string; vars?: Record<string, string> }): Promise<{
        url: string;
        close(): Promise<void>;
      }>;
    };
    const { startLocalServer } = (await import(join(root, "src/daemon/server.ts"))) as {
      startLocalServer(o: { host: string; port: number; adminPort: number; stateDir: string }): Promise<{ proxyUrl: string; close(): Promise<void> }>;
    };
    const members: Teammate[] = [];
    const proxies: string[] = [];
    for (const name of names) {
      const home = mkdtempSync(join(tmpdir(), `linkup-home-${name}-`));
      homes.push(home);
      const adminPort = await freePort();
      const local = await startLocalServer({ host: "127.0.0.1", port: await freePort(), adminPort, stateDir: home });
      closers.push(() => local.close());
      proxies.push(local.proxyUrl);
      const client = adminClient({ stateDir: home, adminPort });
      members.push({
        name,
        home,
        adminPort,
        env: { LINKUP_HOME: home, LINKUP_ADMIN_PORT: String(adminPort), NO_COLOR: "1", TEST_WORKER_TOKEN: workerToken },
        localRecords: () => client.list(),
      });
    }
    const workerState = mkdtempSync(join(tmpdir(), "linkup-worker-"));
    closers.push(async () => rmSync(workerState, { recursive: true, force: true }));
    const worker = await startEmbeddedWorker({
      port: 0,
      host: "127.0.0.1",
      stateDir: workerState,
      token: workerToken,
      // The direct tunnel provider has one target; routing through it is not what team tests check.
      vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: proxies[0]! },
    });
    closers.push(() => worker.close());
    const workerUrl = worker.url.replace(/\/+$/, "");
    const wc = workerClient({ workerUrl, token: workerToken });
    return {
      workerUrl,
      workerToken,
      members,
      workerRecords: () => wc.list(),
      async close() {
        for (const c of closers.reverse()) await c();
        for (const h of homes) rmSync(h, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    for (const h of homes) rmSync(h, { recursive: true, force: true });
    throw e;
  }
}

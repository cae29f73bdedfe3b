// Runs the real worker bundle (dist/worker/index.js) under Miniflare (workerd) on this machine:
// the embedded default when linkup.yaml sets no worker_url, and what the worker tests run.
// KV state persists under <stateDir>/worker-kv so sessions survive restarts of the CLI.
import { Miniflare, type MiniflareOptions } from "miniflare";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LinkupError } from "../../core/errors.js";
import { WORKER_COMPATIBILITY_DATE, WORKER_CRON } from "../../core/deployment.js";
import { DEFAULT_PORTS, STATE_FILES } from "../../core/defaults.js";
import { describePortHolder, portHolder } from "../../machine/port-holder.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** Where `npm run build` puts the bundle (the same path from src/daemon/embedded-worker and dist/daemon/embedded-worker). */
export const DEFAULT_WORKER_BUNDLE = join(repoRoot, "dist", "worker", "index.js");

export interface EmbeddedWorkerOptions {
  /** 0 picks a free port (see `url` for the one chosen). Default 8787. */
  port?: number;
  host?: string;
  /** KV is persisted under <stateDir>/worker-kv; without it, KV lives in memory and dies with close(). */
  stateDir?: string;
  /** The WORKER_TOKEN the API requires. */
  token: string;
  bundlePath?: string;
  /** Further worker vars (TUNNEL_PROVIDER, DIRECT_TUNNEL_URL, ...). */
  vars?: Record<string, string>;
  /** Miniflare log (default: none). */
  log?: MiniflareOptions["log"];
  /**
   * Each line the worker writes (console.log/error), with its level: the embedding process picks
   * out the request log lines (core asRequestLogLine). Default: workerd's output goes to stdout.
   */
  onLog?: (entry: { level: string; message: string }) => void;
}

export interface EmbeddedWorker {
  /** Base URL, e.g. http://127.0.0.1:8787 (no trailing slash). */
  url: string;
  port: number;
  miniflare: Miniflare;
  /** Runs the cron handler as if it fired at `time` (ms since epoch or Date). Throws if the handler failed. */
  runScheduled(time: number | Date): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedWorker(options: EmbeddedWorkerOptions): Promise<EmbeddedWorker> {
  const host = options.host ?? "127.0.0.1";
  const scriptPath = options.bundlePath ?? DEFAULT_WORKER_BUNDLE;
  if (!existsSync(scriptPath))
    throw new LinkupError("worker-bundle-missing", `the worker bundle ${scriptPath} does not exist`, { hint: "Run `npm run build` first." });
  const miniflare = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are relative to this root; without it workerd resolves them from the process's
    // cwd and refuses a bundle outside it ("can't use '..' to break out of starting directory").
    modulesRoot: dirname(scriptPath),
    compatibilityDate: WORKER_COMPATIBILITY_DATE,
    kvNamespaces: ["LINKUP_SESSIONS", "LINKUP_TUNNELS"],
    ...(options.stateDir ? { kvPersist: join(options.stateDir, STATE_FILES.workerKv) } : {}),
    bindings: { ...options.vars, WORKER_TOKEN: options.token },
    host,
    port: options.port ?? DEFAULT_PORTS.worker,
    ...(options.log ? { log: options.log } : {}),
    ...(options.onLog
      ? {
          structuredWorkerdLogs: true,
          handleStructuredLogs: (entry: { level: string; message: string }) => {
            options.onLog!({ level: entry.level, message: entry.message });
          },
        }
      : {}),
  });
  let ready: URL;
  try {
    ready = await miniflare.ready;
  } catch (err) {
    await miniflare.dispose().catch(() => undefined);
    if ((err as { code?: string }).code === "ERR_ADDRESS_IN_USE") {
      const port = options.port ?? DEFAULT_PORTS.worker;
      const holder = await portHolder(host, port, options.stateDir ?? "");
      const { message, hint } = describePortHolder("the embedded worker", host, port, holder, "LINKUP_WORKER_PORT");
      throw new LinkupError("port-in-use", message, { hint, cause: err });
    }
    throw err;
  }
  const port = Number(ready.port);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    miniflare,
    async runScheduled(time) {
      const worker = await miniflare.getWorker();
      const result = await worker.scheduled({ scheduledTime: time instanceof Date ? time : new Date(time), cron: WORKER_CRON });
      if (result.outcome !== "ok") throw new Error(`the worker's scheduled handler ended with outcome "${result.outcome}"`);
    },
    close: () => miniflare.dispose(),
  };
}

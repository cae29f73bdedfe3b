// `linkup version`: this CLI's version, and the local server's and the worker's when they answer
// (kubectl's client/server versions), read from each one's GET /linkup/v1/check with its token.
// A server started by an older CLI, or a worker deployed from one, shows up here as a skew.
import { API_VERSION } from "../core/api.js";
import { adminUrl, embeddedWorkerUrl, type LinkupSettings } from "../core/settings.js";
import { adminClient } from "../clients/admin-client.js";
import type { ApiTrace } from "../clients/api-fetch.js";
import type { SessionApi } from "../clients/session-api.js";
import { workerClient } from "../clients/worker-client.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { readWorkerToken } from "../machine/worker-token.js";

export interface ServerVersion {
  url: string;
  reachable: boolean;
  /** The server's Linkup release; null when unreachable (or older than API 1.1, which did not say). */
  version: string | null;
  api_version: string | null;
  /** Why it could not be asked. */
  error: string | null;
}

export interface VersionReport {
  client: { version: string; api_version: string; node: string };
  local_server: ServerVersion;
  worker: ServerVersion & { embedded: boolean };
}

const TIMEOUT_MS = 2_000;

async function ask(client: SessionApi, url: string): Promise<ServerVersion> {
  try {
    const r = await client.check();
    return { url, reachable: true, version: r.linkup_version ?? null, api_version: r.version ?? null, error: null };
  } catch (e) {
    return { url, reachable: false, version: null, api_version: null, error: (e as Error)?.message ?? String(e) };
  }
}

export async function versionReport(input: {
  settings: LinkupSettings;
  stateDir: string;
  cliVersion: string;
  /** With a config: its worker (worker_url, or the embedded one). */
  ctx?: ReconcileContext;
  trace?: ApiTrace;
}): Promise<VersionReport> {
  const { settings, stateDir, ctx } = input;
  const trace = input.trace ? { trace: input.trace } : {};
  const local = adminClient({ stateDir, adminPort: settings.ports.admin, timeoutMs: TIMEOUT_MS, ...trace });
  const worker = ctx
    ? { url: ctx.urls.worker, embedded: ctx.embeddedWorker, client: ctx.clients.worker }
    : {
        url: embeddedWorkerUrl(settings.ports.worker),
        embedded: true,
        client: workerClient({ workerUrl: embeddedWorkerUrl(settings.ports.worker), token: readWorkerToken(stateDir), timeoutMs: TIMEOUT_MS, ...trace }),
      };
  const [l, w] = await Promise.all([ask(local, adminUrl(settings.ports.admin)), ask(worker.client, worker.url)]);
  return {
    client: { version: input.cliVersion, api_version: API_VERSION, node: process.version },
    local_server: l,
    worker: { ...w, embedded: worker.embedded },
  };
}

// The reconcile context every command works from: the loaded config, its identity, the settings,
// the state directory, the URLs of both sides and the two session API clients (worker and local
// admin), built in one place so all commands agree on URLs, ports and tokens.
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import { adminClient, type LocalAdminApi } from "../clients/admin-client.js";
import type { SessionApi } from "../clients/session-api.js";
import { workerClient } from "../clients/worker-client.js";
import { configIdentity, loadConfig, type ConfigSource, type LoadedConfig } from "../config/config-file.js";
import { adminUrl, workerUrl, type LinkupSettings } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";

export interface ReconcileContext {
  loaded: LoadedConfig;
  identity: string;
  settings: LinkupSettings;
  stateDir: string;
  /** The local admin API and the worker (without the /linkup/v1 prefix). */
  urls: { admin: string; worker: string };
  /** One client per placement; the local one also reaches the local server's /status and /tunnel. */
  clients: { local: LocalAdminApi; worker: SessionApi };
  /** No worker_url: the worker runs on this machine inside the local-server daemon. */
  embeddedWorker: boolean;
}

/** Where a command reads its config from, and the settings it runs with. */
export interface ContextSource extends ConfigSource {
  settings: LinkupSettings;
}

export function contextFor(loaded: LoadedConfig, settings: LinkupSettings): ReconcileContext {
  const stateDir = ensureStateDir(settings);
  const worker = workerUrl(loaded.config, settings);
  const token = worker.embedded ? embeddedWorkerToken(stateDir) : loaded.config.linkup.worker_token;
  return {
    loaded,
    identity: configIdentity(loaded),
    settings,
    stateDir,
    urls: { admin: adminUrl(settings.ports.admin), worker: worker.url },
    embeddedWorker: worker.embedded,
    clients: {
      local: adminClient({ stateDir, adminPort: settings.ports.admin }),
      worker: workerClient({ workerUrl: worker.url, token }),
    },
  };
}

export function openContext(src: ContextSource): ReconcileContext {
  return contextFor(loadConfig(src), src.settings);
}

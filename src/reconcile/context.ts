// The reconcile context every command works from: the loaded config, its identity, the state
// directory and the two session API clients (worker and local admin), built in one place so all
// commands agree on URLs, ports and tokens.
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import { adminClient, type LocalAdminApi } from "../clients/admin-client.js";
import type { SessionApi } from "../clients/session-api.js";
import { workerClient } from "../clients/worker-client.js";
import { configIdentity, loadConfig, type ConfigSource, type LoadedConfig } from "../config/config-file.js";
import { adminPort, workerUrl } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface ReconcileContext {
  loaded: LoadedConfig;
  identity: string;
  stateDir: string;
  env: Env;
  /** One client per placement; the local one also reaches the local server's /status and /tunnel. */
  clients: { local: LocalAdminApi; worker: SessionApi };
  /** No worker_url: the worker runs on this machine inside the local-server daemon. */
  embeddedWorker: boolean;
}

export function contextFor(loaded: LoadedConfig, env: Env): ReconcileContext {
  const stateDir = ensureStateDir(env as NodeJS.ProcessEnv);
  const worker = workerUrl(loaded.config, env);
  const token = worker.embedded ? embeddedWorkerToken(stateDir) : loaded.config.linkup.worker_token;
  return {
    loaded,
    identity: configIdentity(loaded),
    stateDir,
    env,
    embeddedWorker: worker.embedded,
    clients: {
      local: adminClient({ stateDir, adminPort: adminPort(env) }),
      worker: workerClient({ workerUrl: worker.url, token }),
    },
  };
}

export function openContext(src: ConfigSource & { env: Env }): ReconcileContext {
  return contextFor(loadConfig(src), src.env);
}

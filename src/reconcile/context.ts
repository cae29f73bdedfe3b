// The reconcile context every command works from: the loaded config, its identity, this person's
// owner id, the state directory and the two session API clients (worker and local admin), built
// in one place so all commands agree on URLs, ports, tokens and whose sessions are whose.
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import { adminClient } from "../clients/admin-client.js";
import type { Placement, SessionApi } from "../clients/session-api.js";
import { workerClient } from "../clients/worker-client.js";
import { configIdentity, loadConfig, type ConfigSource, type LoadedConfig } from "../config/config-file.js";
import { adminPort, workerUrl } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";
import { resolveOwner, type Owner } from "../machine/owner.js";
import { personalKey } from "../machine/personal-session.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface ReconcileContext {
  loaded: LoadedConfig;
  /** The config identity: recorded as managed_by on every session apply writes. */
  identity: string;
  /** This person: recorded as owner on their personal sessions. */
  owner: Owner;
  /** Key of this person's personal session name in personal-session.json. */
  personalKey: string;
  stateDir: string;
  env: Env;
  clients: Record<Placement, SessionApi>;
  /** No worker_url: the worker runs on this machine inside the local-server daemon. */
  embeddedWorker: boolean;
}

export interface ContextOptions {
  /** `--owner`. */
  owner?: string | undefined;
}

export function contextFor(loaded: LoadedConfig, env: Env, options: ContextOptions = {}): ReconcileContext {
  const stateDir = ensureStateDir(env as NodeJS.ProcessEnv);
  const worker = workerUrl(loaded.config, env);
  const token = worker.embedded ? embeddedWorkerToken(stateDir) : loaded.config.linkup.worker_token;
  const identity = configIdentity(loaded);
  const owner = resolveOwner(stateDir, env, options.owner);
  return {
    loaded,
    identity,
    owner,
    personalKey: personalKey(identity, owner),
    stateDir,
    env,
    embeddedWorker: worker.embedded,
    clients: {
      local: adminClient({ stateDir, adminPort: adminPort(env) }),
      worker: workerClient({ workerUrl: worker.url, token }),
    },
  };
}

export function openContext(src: ConfigSource & { env: Env }, options: ContextOptions = {}): ReconcileContext {
  return contextFor(loadConfig(src), src.env, options);
}

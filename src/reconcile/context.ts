// The reconcile context every command works from: the loaded config, its identity, this person's
// owner id, the settings, the state directory, the URLs of both sides and the two session API
// clients (worker and local admin), built in one place so all commands agree on URLs, ports,
// tokens and whose sessions are whose.
import { stateDir as ensureStateDir } from "../machine/state-dir.js";
import { adminClient, type LocalAdminApi } from "../clients/admin-client.js";
import type { SessionApi } from "../clients/session-api.js";
import type { ApiTrace } from "../clients/api-fetch.js";
import { workerClient } from "../clients/worker-client.js";
import { configIdentity, loadConfig, type ConfigSource, type LoadedConfig } from "../config/config-file.js";
import { adminUrl, workerUrl, type LinkupSettings } from "../core/settings.js";
import { embeddedWorkerToken } from "../machine/worker-token.js";
import { resolveOwner, type Owner } from "../machine/owner.js";
import { personalKey } from "../machine/personal-session.js";

export interface ReconcileContext {
  loaded: LoadedConfig;
  /** The config identity: recorded as managed_by on every session apply writes. */
  identity: string;
  /** This person: recorded as owner on their personal sessions. */
  owner: Owner;
  /** Key of this person's personal session name in personal-session.json. */
  personalKey: string;
  settings: LinkupSettings;
  stateDir: string;
  /** The local admin API and the worker (without the /linkup/v1 prefix). */
  urls: { admin: string; worker: string };
  /** One client per placement; the local one also reaches the local server's /status and /tunnel. */
  clients: { local: LocalAdminApi; worker: SessionApi };
  /** No worker_url: the worker runs on this machine inside the local-server daemon. */
  embeddedWorker: boolean;
  /** The clients send writes as server-side dry runs (`--dry-run=server`): nothing is stored. */
  dryRun: boolean;
}

/** How the clients behave: `linkup -v` traces every API call; `--dry-run=server` sends writes as dry runs. */
export interface ClientMode {
  trace?: ApiTrace;
  dryRun?: boolean;
}

/** Where a command reads its config from, and the settings it runs with. */
export interface ContextSource extends ConfigSource, ClientMode {
  settings: LinkupSettings;
  /** `--owner`: overrides LINKUP_OWNER and the id in the state directory. */
  owner?: string;
}

export function contextFor(loaded: LoadedConfig, settings: LinkupSettings, ownerFlag?: string, mode: ClientMode = {}): ReconcileContext {
  const stateDir = ensureStateDir(settings);
  const worker = workerUrl(loaded.config, settings);
  const token = worker.embedded ? embeddedWorkerToken(stateDir) : loaded.config.linkup.worker_token;
  const identity = configIdentity(loaded);
  const owner = resolveOwner(stateDir, settings.owner, ownerFlag);
  const clientMode = { ...(mode.trace ? { trace: mode.trace } : {}), ...(mode.dryRun ? { dryRun: true } : {}) };
  return {
    loaded,
    identity,
    owner,
    personalKey: personalKey(identity, owner),
    settings,
    stateDir,
    urls: { admin: adminUrl(settings.ports.admin), worker: worker.url },
    embeddedWorker: worker.embedded,
    dryRun: mode.dryRun ?? false,
    clients: {
      local: adminClient({ stateDir, adminPort: settings.ports.admin, ...clientMode }),
      worker: workerClient({ workerUrl: worker.url, token, ...clientMode }),
    },
  };
}

export function openContext(src: ContextSource): ReconcileContext {
  return contextFor(loadConfig(src), src.settings, src.owner, { ...(src.trace ? { trace: src.trace } : {}), ...(src.dryRun ? { dryRun: true } : {}) });
}

// `linkup stop`: remove the env-file blocks and end the local-server daemon (and with it the
// embedded worker and cloudflared). Sessions are kept: the servers persist them, and `start`
// brings them back. Helpers a crashed server left running (a workerd holding the worker port, a
// cloudflared holding the tunnel) are ended too, after checking by command line that they are ours.
import type { LoadedConfig } from "../config/config-file.js";
import { removeConfigEnvFiles, type EnvFileChange } from "../reconcile/env-files.js";

export interface StopResult {
  envFiles: EnvFileChange[];
  wasRunning: boolean;
  pid: number | null;
  /** A cloudflared left running by a local server that died without ending it, now ended. */
  orphanCloudflaredPid: number | null;
  /** The embedded worker's workerd left running by a local server that died, now ended. */
  orphanEmbeddedWorkerPid: number | null;
}

export async function stopLinkup(stateDir: string, loaded: LoadedConfig | undefined): Promise<StopResult> {
  const envFiles = loaded ? removeConfigEnvFiles(loaded) : [];
  const { stopDaemon } = await import("../machine/daemon.js");
  const r = await stopDaemon({ stateDir });
  // A daemon that stopped cleanly has ended its helpers and removed their pid files already.
  const { removeStaleHelperFiles, stopOrphans } = await import("../machine/orphans.js");
  const orphans = await stopOrphans(stateDir);
  removeStaleHelperFiles(stateDir);
  const pidOf = (name: string) => orphans.find((o) => o.name === name)?.pid ?? null;
  return {
    envFiles,
    wasRunning: r.wasRunning,
    pid: r.pid,
    orphanCloudflaredPid: pidOf("cloudflared"),
    orphanEmbeddedWorkerPid: pidOf("embedded-worker"),
  };
}

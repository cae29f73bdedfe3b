// `linkup stop`: remove the env-file blocks and end the local-server daemon (and with it the
// embedded worker and cloudflared). Sessions are kept: the servers persist them, and `start`
// brings them back.
import type { LoadedConfig } from "../config/config-file.js";
import { removeConfigEnvFiles, type EnvFileChange } from "../reconcile/env-files.js";

export interface StopResult {
  envFiles: EnvFileChange[];
  wasRunning: boolean;
  pid: number | null;
  /** A cloudflared left running by a local server that died without ending it, now ended. */
  orphanCloudflaredPid: number | null;
}

export async function stopLinkup(stateDir: string, loaded: LoadedConfig | undefined): Promise<StopResult> {
  const envFiles = loaded ? removeConfigEnvFiles(loaded) : [];
  const { stopDaemon } = await import("../machine/daemon.js");
  const r = await stopDaemon({ stateDir });
  // A daemon that stopped cleanly has ended cloudflared and removed its pid file already.
  const { stopOrphanCloudflared } = await import("../machine/cloudflared-orphan.js");
  const orphan = await stopOrphanCloudflared(stateDir);
  return { envFiles, wasRunning: r.wasRunning, pid: r.pid, orphanCloudflaredPid: orphan };
}

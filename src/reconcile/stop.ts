// `linkup stop`: remove the env-file blocks and end the local-server daemon (and with it the
// embedded worker). Sessions are kept: the servers persist them, and `start` brings them back.
import type { LoadedConfig } from "./config-file.js";
import { removeEnvFiles, serviceDirectories, type EnvFileChange } from "./env-files.js";

export interface StopResult {
  envFiles: EnvFileChange[];
  wasRunning: boolean;
  pid: number | null;
}

export async function stopLinkup(stateDir: string, loaded: LoadedConfig | undefined): Promise<StopResult> {
  const envFiles = loaded ? removeEnvFiles(serviceDirectories(loaded.config.services, loaded.baseDir)) : [];
  const { stopDaemon } = await import("../proxy/daemon/daemon.js");
  const r = await stopDaemon({ stateDir });
  return { envFiles, wasRunning: r.wasRunning, pid: r.pid };
}

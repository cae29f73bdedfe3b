// The local server's tunnel connector: at most one supervised cloudflared per machine, running
// the run token of the session whose tunnel the CLI last connected. It lives in the local-server
// daemon rather than in the CLI because cloudflared must keep running (and be restarted with
// backoff when it dies) after `linkup start` or `linkup apply` has exited; closing the local
// server (`linkup stop`) ends it. The admin API exposes it as PUT/DELETE/GET /linkup/v1/tunnel.
// The run token is kept in memory only and never logged or returned.
import type { TunnelConnectRequest, TunnelConnectorStatus } from "../../core/local-api.js";
import { cloudflaredFiles } from "../../machine/cloudflared-files.js";
import { cloudflaredSupervisor, findCloudflared, type CloudflaredOptions, type CloudflaredSupervisor } from "./cloudflared.js";

export interface TunnelConnector {
  /** Starts cloudflared, or replaces the running one when the token or hostname differ. Throws "cloudflared-missing". */
  connect(request: TunnelConnectRequest): Promise<TunnelConnectorStatus>;
  /** Stops cloudflared; false when none was running. */
  disconnect(): Promise<boolean>;
  status(): Promise<TunnelConnectorStatus>;
  close(): Promise<void>;
}

export interface TunnelConnectorOptions {
  stateDir: string;
  /** Environment for finding the binary (LINKUP_CLOUDFLARED, PATH) and for the child; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  backoff?: CloudflaredOptions["backoff"];
  log?: (line: string) => void;
  onChild?: CloudflaredOptions["onChild"];
}

interface Running {
  supervisor: CloudflaredSupervisor;
  token: string;
  hostname: string;
  session: string | null;
}

export function tunnelConnector(options: TunnelConnectorOptions): TunnelConnector {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const { logFile } = cloudflaredFiles(options.stateDir);
  let running: Running | undefined;
  // Two connects at once (two CLIs) must not both start a cloudflared: operations run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function statusNow(): Promise<TunnelConnectorStatus> {
    if (!running) return { state: "stopped", session: null, hostname: null, pid: null, restarts: 0, last_error: null, log_file: logFile };
    const s = await running.supervisor.status();
    return { ...s, session: running.session, hostname: running.hostname, log_file: logFile };
  }

  async function stopRunning(): Promise<boolean> {
    const r = running;
    running = undefined;
    if (!r) return false;
    await r.supervisor.stop();
    log(`cloudflared for ${r.hostname} stopped`);
    return true;
  }

  return {
    connect: (request) =>
      serial(async () => {
        if (running && running.token === request.run_token && running.hostname === request.hostname) {
          // The same tunnel again (every apply asks): keep the connection, unless it gave up.
          if ((await running.supervisor.status()).state !== "stopped") {
            running.session = request.session ?? running.session;
            return statusNow();
          }
        }
        // Checked before stopping the old one: a missing binary must not take a working tunnel down.
        const binary = await findCloudflared(env);
        await stopRunning();
        const childEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
        const supervisor = cloudflaredSupervisor({
          binary,
          token: request.run_token,
          stateDir: options.stateDir,
          env: childEnv,
          ...(options.backoff ? { backoff: options.backoff } : {}),
          ...(options.onChild ? { onChild: options.onChild } : {}),
        });
        await supervisor.start();
        running = { supervisor, token: request.run_token, hostname: request.hostname, session: request.session ?? null };
        log(`cloudflared started for ${request.hostname} (pid ${supervisor.pid() ?? "?"}, log ${logFile})`);
        return statusNow();
      }),
    disconnect: () => serial(stopRunning),
    status: statusNow,
    close: () => serial(async () => void (await stopRunning())),
  };
}

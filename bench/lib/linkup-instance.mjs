// A private Linkup for one bench suite: its own LINKUP_HOME in a temp directory and free ports
// for the proxy, the admin API and the embedded worker, so the bench never touches ~/.linkup or
// a Linkup the user is running. stop() ends the background runtime the CLI started.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.mjs";
import { linkup, linkupEnv } from "./linkup-cli.mjs";
import { onStopAll } from "./processes.mjs";
import { sessionApi } from "./session-api.mjs";

export async function createLinkupInstance(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `linkup-bench-${prefix}-`));
  const home = join(dir, "home");
  const ports = { proxy: await freePort(), admin: await freePort(), worker: await freePort() };
  const env = { ...process.env, ...linkupEnv({ home, ports }) };
  const token = (file) => readFileSync(join(home, file), "utf8").trim();
  // One stop, however many callers: the suite's own `finally` and Ctrl-C (stopAll) may both ask,
  // and each must wait for the same stop to finish.
  let stopping;
  const stopRuntime = () =>
    (stopping ??= (async () => {
      const r = await linkup(["stop"], { env, timeoutMs: 20_000 });
      if (r.code !== 0) await killFromPidFile(join(home, "local-server.pid"));
      rmSync(dir, { recursive: true, force: true });
    })());
  onStopAll(stopRuntime);

  return {
    dir,
    home,
    ports,
    env,
    proxyUrl: `http://127.0.0.1:${ports.proxy}`,
    workerUrl: `http://127.0.0.1:${ports.worker}`,
    adminUrl: `http://127.0.0.1:${ports.admin}`,
    run: (args, options = {}) => linkup(args, { env, ...options }),
    /** Every session on both sides (a side that is not running counts as empty). */
    async sessions() {
      const out = [];
      for (const [placement, url, file] of [
        ["local", this.adminUrl, "admin-token"],
        ["worker", this.workerUrl, "worker-token"],
      ]) {
        try {
          for (const s of await sessionApi(url, token(file)).list()) out.push({ placement, ...s });
        } catch {
          /* side not running */
        }
      }
      return out;
    },
    stop: stopRuntime,
  };
}

/** Fallback when `linkup stop` is unavailable: end the daemon this instance started, by its pid file. */
async function killFromPidFile(pidPath) {
  let pid;
  try {
    pid = Number(readFileSync(pidPath, "utf8").split("\n")[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* gone */
  }
}

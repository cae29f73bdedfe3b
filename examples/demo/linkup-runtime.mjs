// Drives Linkup the way a user does, through its CLI (`node bin/linkup.js ...`), for the demo and
// the browser test: one environment (state directory, ports, config file) for every command, the
// session list, and a clean stop.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { LINKUP_PORTS } from "../ports.mjs";

export const LINKUP_BIN = fileURLToPath(new URL("../../bin/linkup.js", import.meta.url));
export const EXAMPLE_CONFIG = fileURLToPath(new URL("../linkup.yaml", import.meta.url));

/**
 * The environment every Linkup command of one instance runs with: its state directory, its
 * ports, and the config file (LINKUP_CONFIG), so `route`, `status` and `stop` find it too.
 * @param {{ home: string, config?: string, ports?: { worker: number, proxy: number, admin: number } }} options
 */
export function linkupEnv({ home, config = EXAMPLE_CONFIG, ports = LINKUP_PORTS }) {
  return {
    ...process.env,
    LINKUP_HOME: home,
    LINKUP_CONFIG: config,
    LINKUP_WORKER_PORT: String(ports.worker),
    LINKUP_PROXY_PORT: String(ports.proxy),
    LINKUP_ADMIN_PORT: String(ports.admin),
  };
}

/** Runs `linkup <args>` to completion; resolves with its exit code and output (never rejects on exit codes). */
export function runLinkup(args, env, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [LINKUP_BIN, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like runLinkup, but throws with the CLI's own message when it fails. */
export async function linkupOk(args, env, options) {
  const r = await runLinkup(args, env, options);
  if (r.code !== 0) throw new Error(`linkup ${args.join(" ")} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/**
 * Every session, from `linkup sessions list --json`, with each service's route from
 * `linkup status --session <name> --json`: { name, type, personal, url, routes: { service: route } }.
 */
export async function listSessions(env) {
  const listing = JSON.parse((await linkupOk(["sessions", "list", "--json"], env)).stdout);
  return Promise.all(
    listing.sessions.map(async (s) => {
      const status = JSON.parse((await linkupOk(["status", "--session", s.name, "--json"], env)).stdout);
      return {
        name: s.name,
        type: s.type,
        personal: s.personal,
        // The first URL Linkup prints for it (its page on the first configured domain).
        url: s.urls[0],
        routes: Object.fromEntries(status.sessions[0].services.map((x) => [x.name, x.route])),
      };
    }),
  );
}

/**
 * `linkup stop`. Should it fail, the background process is still ended through its pid file, so
 * a demo or a test never leaves a server running behind it.
 */
export async function stopLinkup(env) {
  const r = await runLinkup(["stop"], env, { timeoutMs: 30_000 });
  if (r.code === 0) return r;
  let pid;
  try {
    pid = Number(readFileSync(join(env.LINKUP_HOME, "local-server.pid"), "utf8").split("\n")[0]);
  } catch {
    return r;
  }
  if (!Number.isInteger(pid) || pid <= 1) return r;
  try {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100; i++) {
      await sleep(100);
      process.kill(pid, 0);
    }
    process.kill(pid, "SIGKILL");
  } catch {
    /* ended */
  }
  return r;
}

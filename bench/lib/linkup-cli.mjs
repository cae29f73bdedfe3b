// Runs the real CLI (`node bin/linkup.js ...`) as a user would, with its own LINKUP_HOME and
// ports, timing the whole process (start included), which is what a user waits for.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { spawnTracked, track } from "./processes.mjs";

export const LINKUP_BIN = fileURLToPath(new URL("../../bin/linkup.js", import.meta.url));

/** Environment for a private Linkup instance: state directory and every port it listens on. */
export function linkupEnv({ home, ports }) {
  return {
    LINKUP_HOME: home,
    LINKUP_ADMIN_PORT: String(ports.admin),
    LINKUP_WORKER_PORT: String(ports.worker),
    LINKUP_PROXY_PORT: String(ports.proxy),
    NO_COLOR: "1",
    // Spinners and colour only on a TTY; be explicit anyway.
    CI: "1",
  };
}

/** Runs one CLI command to completion; never throws on a non-zero exit. */
export async function linkup(args, { env, timeoutMs = 60_000, cwd } = {}) {
  const start = process.hrtime.bigint();
  const r = await track(
    execa(process.execPath, [LINKUP_BIN, ...args], {
      env,
      reject: false,
      timeout: timeoutMs,
      stdin: "ignore",
      ...(cwd ? { cwd } : {}),
    }),
  );
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Starts a long-running CLI command (e.g. `apply --watch`), tracked so the bench always ends it. */
export function linkupBackground(args, { env, cwd } = {}) {
  return spawnTracked(process.execPath, [LINKUP_BIN, ...args], { env, ...(cwd ? { cwd } : {}) });
}

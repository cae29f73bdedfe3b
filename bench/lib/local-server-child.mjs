// Runs the Linkup local server (the built dist/daemon/server.js) in its own process for the bench,
// so the proxy under test has a core of its own like nginx does. Prints {"proxyUrl","adminUrl"}
// when listening; the admin token stays in <stateDir>/admin-token (never printed).
// `--no-request-log` starts it with the request log off, to measure what the log costs.
// With LINKUP_BENCH_PROFILE=<file> (bench/profile-proxy.mjs), SIGUSR2 starts V8's CPU profiler
// and SIGTERM writes the profile to <file> before closing, so a profile covers the measured load
// only, not start-up and warm-up.
import { writeFileSync } from "node:fs";
import { startLocalServer } from "../../dist/daemon/server.js";

const stateDir = process.argv[2];
if (!stateDir) throw new Error("usage: local-server-child.mjs <stateDir> [--no-request-log]");
const noLog = process.argv.includes("--no-request-log");
const server = await startLocalServer({ host: "127.0.0.1", port: 0, adminPort: 0, stateDir, ...(noLog ? { requestLogSize: 0 } : {}) });

let writeProfile = async () => {};
const profileFile = process.env.LINKUP_BENCH_PROFILE;
if (profileFile) {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  let started = false;
  process.on("SIGUSR2", () => {
    if (started) return;
    started = true;
    void session.post("Profiler.start");
  });
  writeProfile = async () => {
    if (!started) return;
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
  };
}

process.stdout.write(JSON.stringify({ proxyUrl: server.proxyUrl, adminUrl: server.adminUrl }) + "\n");
const stop = async () => {
  await writeProfile();
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

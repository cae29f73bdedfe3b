// Runs the Linkup local server (the built dist/daemon/server.js) in its own process for the bench,
// so the proxy under test has a core of its own like nginx does. Prints {"proxyUrl","adminUrl"}
// when listening; the admin token stays in <stateDir>/admin-token (never printed).
// `--no-request-log` starts it with the request log off, to measure what the log costs.
import { startLocalServer } from "../../dist/daemon/server.js";

const stateDir = process.argv[2];
if (!stateDir) throw new Error("usage: local-server-child.mjs <stateDir> [--no-request-log]");
const noLog = process.argv.includes("--no-request-log");
const server = await startLocalServer({ host: "127.0.0.1", port: 0, adminPort: 0, stateDir, ...(noLog ? { requestLogSize: 0 } : {}) });
process.stdout.write(JSON.stringify({ proxyUrl: server.proxyUrl, adminUrl: server.adminUrl }) + "\n");
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

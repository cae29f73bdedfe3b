// The local server process: what `linkup start` runs detached (`node dist/daemon/main.js`), with
// stdout and stderr going to `<stateDir>/local-server.log`. Starts the proxy and admin API (and
// HTTPS + DNS when local DNS is installed, and the embedded worker when the CLI asks for it),
// logs one line with its ports, and closes everything cleanly on SIGTERM or SIGINT.
import { LinkupError } from "../core/errors.js";
import { asRequestLogLine } from "../core/request-record.js";
import { ENV } from "../core/settings.js";
import { readWorkerToken, workerTokenPath } from "../machine/worker-token.js";
import { localServerConfig, type LocalServerConfig } from "./options.js";
import { startLocalServer, type LocalServer } from "./server.js";

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** The embedded worker's output: its request lines join the request log, anything else the daemon's log. */
function workerOutput(server: LocalServer): (entry: { level: string; message: string }) => void {
  return ({ level, message }) => {
    if (message.startsWith("{")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        parsed = undefined;
      }
      const line = asRequestLogLine(parsed);
      if (line) {
        server.requestLog?.addLine(line);
        return;
      }
    }
    log(`worker ${level}: ${message}`);
  };
}

async function startEmbedded(
  config: LocalServerConfig,
  server: LocalServer,
): Promise<{ url: string; runScheduled(time: number): Promise<void>; close(): Promise<void> } | null> {
  if (config.embeddedWorkerPort === null) return null;
  const token = readWorkerToken(config.stateDir);
  if (!token)
    throw new LinkupError("worker-token-missing", `${ENV.embeddedWorker}=1 but ${workerTokenPath(config.stateDir)} is missing or empty`);
  // Miniflare is large: loaded only when this process hosts the embedded worker.
  const { startEmbeddedWorker } = await import("./embedded-worker/worker-host.js");
  return startEmbeddedWorker({
    port: config.embeddedWorkerPort,
    stateDir: config.stateDir,
    token,
    // The embedded worker reaches `local` services through this very proxy.
    vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: server.proxyUrl },
    onLog: workerOutput(server),
  });
}

const EMBEDDED_CRON_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = localServerConfig(process.argv.slice(2), process.env);
  const server = await startLocalServer({
    host: config.host,
    port: config.port,
    adminPort: config.adminPort,
    stateDir: config.stateDir,
    ...(config.httpsPort !== null ? { httpsPort: config.httpsPort } : {}),
    ...(config.dnsPort !== null ? { dnsPort: config.dnsPort, dnsUpstreams: config.dnsUpstreams } : {}),
    log,
    ...(config.debug ? { debug: (line: string) => log(`debug: ${line}`) } : {}),
  });
  let worker: Awaited<ReturnType<typeof startEmbedded>> = null;
  try {
    worker = await startEmbedded(config, server);
  } catch (error) {
    await server.close();
    throw error;
  }

  // Cloudflare fires a deployed worker's cron; for the embedded worker this process does, hourly
  // (expired sessions, idle tunnels), with the wall clock.
  const cron = worker
    ? setInterval(() => {
        worker!.runScheduled(Date.now()).catch((error: unknown) => log(`embedded worker cron failed: ${(error as Error).message}`));
      }, EMBEDDED_CRON_MS)
    : undefined;
  cron?.unref();

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    clearInterval(cron);
    if (closing) {
      // A second signal while closing: the user wants out now.
      process.exit(1);
    }
    closing = true;
    log(`received ${signal}, closing`);
    Promise.all([server.close(), worker?.close()])
      .then(() => {
        log("closed");
        process.exit(0);
      })
      .catch((error: unknown) => {
        log(`error while closing: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  log(
    [
      `linkup local server started: pid=${process.pid}`,
      `proxy=${server.proxyUrl}`,
      `admin=${server.adminUrl}`,
      `https=${server.httpsUrl ?? "off"}`,
      `dns=${server.dnsPort === null ? "off" : `${config.host}:${server.dnsPort}`}`,
      `worker=${worker?.url ?? "off"}`,
      `state=${config.stateDir}`,
    ].join(" "),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof LinkupError && error.hint ? ` (${error.hint})` : "";
  log(`linkup local server failed to start: ${message}${hint}`);
  process.exit(1);
});

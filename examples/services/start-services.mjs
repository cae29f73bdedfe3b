// Starts the example system: a "remote" and a "local" copy of web, api and auth, each its own
// HTTP server on loopback. Used by examples/services.mjs, the demo, the browser test and the bench.
import { once } from "node:events";
import { createApiService } from "./api.mjs";
import { createAuthService } from "./auth.mjs";
import { createWebService } from "./web.mjs";
import { EXAMPLE_DOMAIN, EXAMPLE_PORTS, LINKUP_PORTS } from "../ports.mjs";

/**
 * @param {object} [options]
 * @param {{ remote: Record<string, number>, local: Record<string, number> }} [options.ports] 0 picks a free port.
 * @param {string} [options.workerUrl] where the remote api calls auth (a deployed service talks to the edge).
 * @param {string} [options.proxyUrl] where the local api calls auth (the local server knows isolated sessions too).
 * @param {string} [options.domain]
 * @returns {Promise<{ services: { name: string, copy: string, url: string, log: object }[], url(copy: string, name: string): string, close(): Promise<void> }>}
 */
export async function startExampleServices(options = {}) {
  const ports = options.ports ?? EXAMPLE_PORTS;
  const domain = options.domain ?? EXAMPLE_DOMAIN;
  const gateways = {
    remote: options.workerUrl ?? `http://127.0.0.1:${LINKUP_PORTS.worker}`,
    local: options.proxyUrl ?? `http://127.0.0.1:${LINKUP_PORTS.proxy}`,
  };
  const started = [];
  try {
    for (const copy of ["remote", "local"]) {
      const apiHost = `api.${domain}:${new URL(gateways[copy]).port || 80}`;
      for (const svc of [
        createWebService({ copy }),
        createApiService({ copy, gatewayUrl: gateways[copy], apiHost }),
        createAuthService({ copy }),
      ]) {
        // Keep-alive sockets from the proxies under test must not hold close() open.
        svc.server.keepAliveTimeout = 5_000;
        svc.server.listen(ports[copy][svc.name], "127.0.0.1");
        await once(svc.server, "listening");
        started.push({ ...svc, url: `http://127.0.0.1:${svc.server.address().port}` });
      }
    }
  } catch (e) {
    await closeAll(started);
    throw e;
  }
  return {
    services: started.map(({ name, copy, url, log }) => ({ name, copy, url, log })),
    url: (copy, name) => started.find((s) => s.copy === copy && s.name === name)?.url,
    close: () => closeAll(started),
  };
}

async function closeAll(started) {
  await Promise.all(
    started.map((s) =>
      s.close
        ? s.close()
        : new Promise((resolve) => {
            s.server.close(() => resolve());
            s.server.closeAllConnections();
          }),
    ),
  );
}

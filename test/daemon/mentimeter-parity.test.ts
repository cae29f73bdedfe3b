// Mentimeter's Linkup server tests against the local server (proxy listener over real sockets).
// The cases are shared with the worker: test/support/mentimeter-server-cases.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { mentimeterServerCases, type Server } from "../support/mentimeter-server-cases.js";
import { TEST_TOKEN, putSession } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
const started: Server[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-parity-"));
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
});
afterAll(async () => {
  await server?.close();
  for (const s of started) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Mentimeter's server tests, on the local server", () => {
  mentimeterServerCases(
    () => ({
      name: "local server",
      url: server.proxyUrl,
      async seed(name, upstreamUrl) {
        await putSession(server.adminUrl, name, {
          type: "isolated",
          services: [{ name: "frontend", route: "local", local: upstreamUrl, rewrites: [] }],
          domains: [{ domain: "example.com", default_service: "frontend", routes: [] }],
          cache_routes: [],
        });
      },
    }),
    started,
  );
});

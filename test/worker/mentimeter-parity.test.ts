// Mentimeter's Linkup server tests against the worker (the real bundle under workerd). The cases
// are shared with the local server: test/support/mentimeter-server-cases.ts.
import { afterAll, beforeAll, describe, expect } from "vitest";
import { mentimeterServerCases, type Server } from "../support/mentimeter-server-cases.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";

let w: WorkerHarness;
const started: Server[] = [];

beforeAll(async () => {
  w = await startWorkerHarness();
});
afterAll(async () => {
  await w?.close();
  for (const s of started) await s.close();
});

describe("Mentimeter's server tests, on the worker", () => {
  mentimeterServerCases(
    () => ({
      name: "worker",
      url: `http://127.0.0.1:${w.port}`,
      async seed(name, upstreamUrl) {
        const res = await w.api("PUT", `/sessions/${name}`, {
          body: {
            spec: {
              type: "preview",
              services: [{ name: "frontend", route: "remote", remote: upstreamUrl, rewrites: [] }],
              domains: [{ domain: "example.com", default_service: "frontend", routes: [] }],
              cache_routes: [],
            },
          },
        });
        expect([200, 201]).toContain(res.status);
      },
    }),
    started,
  );
});

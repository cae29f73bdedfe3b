// The whole tunnel hop on real parts: the worker bundle under workerd forwards `local` services
// to a real local server's tunnel listener, signing each request with the tunnel's secret; the
// listener checks it with the secret the CLI stored from the tunnel answer. Signed requests
// (HTTP and WebSocket) reach the service; a request straight to the listener gets 403, as does
// the worker's request when this machine holds another secret.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { generateTunnelSecret } from "../../src/core/tunnel-signature.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TUNNEL_REFUSAL } from "../../src/daemon/tunnel/tunnel-gate.js";
import { storeTunnelSecret } from "../../src/machine/tunnel-secrets.js";
import { TEST_TOKEN, putSession, request } from "../daemon/proxy-fixtures.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, startWsEcho, type Upstream, type WsUpstream } from "./upstream.js";

let home: string;
let local: LocalServer;
let w: WorkerHarness;
let app: Upstream;
let echo: WsUpstream;

const spec = () =>
  specOf(
    [
      { name: "web", route: "local", local: app.url },
      { name: "live", route: "local", local: echo.url },
    ],
    { routes: [{ path: "^/live", service: "live" }] },
  );

/** What `linkup apply` does for a tunneled session: the worker's copy, the local copy, the tunnel, its secret stored. */
async function tunneled(name: string, storeSecret = true): Promise<void> {
  expect((await w.api("PUT", `/sessions/${name}`, { body: { spec: spec() } })).status).toBe(201);
  await putSession(local.adminUrl, name, spec() as never);
  const started = await w.api("POST", `/sessions/${name}/tunnel`);
  expect(started.status).toBe(200);
  expect(started.json.tunnel_url).toBe(local.tunnelUrl);
  if (storeSecret) await storeTunnelSecret(home, name, started.json.tunnel_secret);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "linkup-tunnel-sign-"));
  app = await startUpstream((req, res) => res.end(`app ${req.method} ${req.url}`));
  echo = await startWsEcho();
  local = await startLocalServer({ stateDir: home, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: local.tunnelUrl } });
  await tunneled("dev-one");
});

afterAll(async () => {
  await w?.close();
  await local?.close();
  await Promise.all([app?.close(), echo?.close()]);
  rmSync(home, { recursive: true, force: true });
});

describe("worker -> tunnel listener", () => {
  it("delivers the worker's signed requests to the local service", async () => {
    const res = await w.send({ host: "dev-one.example.com", path: "/page?q=1" });
    expect(res.status).toBe(200);
    expect(res.text).toBe("app GET /page?q=1");
    const post = await w.send({ host: "dev-one.example.com", path: "/submit", method: "POST", body: "x=1" });
    expect(post.text).toBe("app POST /submit");
    // The app never sees the signature.
    expect(app.seen.at(-1)!.headers["linkup-tunnel-signature"]).toBeUndefined();
  });

  it("relays a WebSocket through the signed hop", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${w.port}/live`, { headers: { host: "dev-one.example.com" } });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_q, r) => reject(new Error(`upgrade refused: HTTP ${r.statusCode}`)));
    });
    const reply = new Promise<string>((resolve) => ws.once("message", (d: Buffer) => resolve(d.toString())));
    ws.send("ping");
    expect(await reply).toBe("ping");
    ws.close();
    expect(echo.upgrades.at(-1)!["linkup-tunnel-signature"]).toBeUndefined();
  });

  it("answers 403 to the same request sent straight to the tunnel listener, naming no session", async () => {
    const before = app.seen.length;
    const res = await request(`${local.tunnelUrl}/page?q=1`, {
      headers: { host: "dev-one.example.com", "x-forwarded-host": "dev-one.example.com", "linkup-destination": "web", "linkup-session": "dev-one" },
    });
    expect(res.status).toBe(403);
    expect(res.body).toBe(TUNNEL_REFUSAL + "\n");
    expect(res.body).not.toContain("dev-one");
    expect(app.seen.length).toBe(before);
  });

  it("is refused when this machine holds another secret for the tunnel", async () => {
    await tunneled("dev-two", false);
    await storeTunnelSecret(home, "dev-two", generateTunnelSecret());
    const res = await w.send({ host: "dev-two.example.com", path: "/" });
    expect(res.status).toBe(403);
    expect(res.text).toBe(TUNNEL_REFUSAL + "\n");
  });
});

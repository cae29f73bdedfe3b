// The local server's tunnel listener over real sockets: only requests carrying the worker's
// signature (made with the tunnel's secret from the state directory) reach a service; unsigned,
// wrongly signed, tampered and replayed-after-the-window requests get 403 before any routing, and
// the answer names no session. The proxy port local browsers use is unaffected.
import http from "node:http";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLAY_WINDOW_MS, generateTunnelSecret, tunnelSigner } from "../../src/core/tunnel-signature.js";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { TUNNEL_REFUSAL } from "../../src/daemon/tunnel/tunnel-gate.js";
import { storeTunnelSecret, tunnelSecretsDir } from "../../src/machine/tunnel-secrets.js";
import { DOMAIN, TEST_TOKEN, putSession, request, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let web: Upstream;
let api: Upstream;
let clock = 1_760_000_000_000;
const logs: string[] = [];
const alphaSecret = generateTunnelSecret();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-tunnel-listener-"));
  web = await startUpstream("web", (req, res) => {
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(`web got ${Buffer.concat(chunks).toString()}`));
      return;
    }
    res.end(`web ${req.url}`);
  });
  api = await startUpstream("api");
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN, now: () => clock, log: (l) => logs.push(l) });
  await putSession(server.adminUrl, "alpha", { ...spec(web.url, api.url), type: "tunneled" });
  await putSession(server.adminUrl, "beta", { ...spec(web.url), type: "tunneled" });
  // Stored after the listener started, as the CLI does after `apply`: the listener picks it up.
  await storeTunnelSecret(dir, "alpha", alphaSecret);
});

afterAll(async () => {
  await server.close();
  await Promise.all([web.close(), api.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Forward {
  session?: string;
  method?: string;
  path?: string;
  host?: string;
  destination?: string;
  body?: string;
}

/** What the worker sends into the tunnel for `f`, signed with `secret` at `at`. */
async function signedHeaders(f: Forward, secret = alphaSecret, at = clock): Promise<Record<string, string>> {
  const session = f.session ?? "alpha";
  const host = f.host ?? `${session}.${DOMAIN}`;
  const destination = f.destination ?? "web";
  const signature = await tunnelSigner(secret).sign({ method: f.method ?? "GET", host, target: f.path ?? "/", session, destination }, at);
  return { "x-forwarded-host": host, "linkup-destination": destination, "linkup-session": session, "linkup-tunnel-signature": signature };
}

function toTunnel(path: string, headers: Record<string, string>, options: { method?: string; body?: string } = {}) {
  return request(`${server.tunnelUrl}${path}`, { headers, ...options });
}

function expectRefused(res: { status: number; body: string }) {
  expect(res.status).toBe(403);
  expect(res.body).toBe(TUNNEL_REFUSAL + "\n");
  for (const name of ["alpha", "beta"]) expect(res.body).not.toContain(name);
}

describe("the tunnel listener", () => {
  it("is its own listener, apart from the proxy port", () => {
    expect(server.tunnelUrl).not.toBe(server.proxyUrl);
  });

  it("refuses a request without the worker's signature with 403, naming no session, and the service sees nothing", async () => {
    const before = web.seen.length;
    expectRefused(await toTunnel("/", { "x-forwarded-host": `alpha.${DOMAIN}`, "linkup-destination": "web" }));
    expectRefused(await toTunnel("/", { host: `alpha.${DOMAIN}` }));
    expectRefused(await toTunnel("/", { "x-forwarded-host": `alpha.${DOMAIN}`, "linkup-session": "alpha" }));
    expect(web.seen.length).toBe(before);
    // Local browsers still use the proxy port without any signature.
    expect((await viaProxy(server.proxyUrl, "alpha", "/")).body).toBe("web /");
  });

  it("answers Linkup's liveness check unsigned (it routes nothing), and nothing next to it", async () => {
    const check = await toTunnel("/linkup/check", {});
    expect(check.status).toBe(200);
    expect(JSON.parse(check.body)).toMatchObject({ linkup: true, role: "local-proxy" });
    expectRefused(await toTunnel("/linkup/check", {}, { method: "POST" }));
    expectRefused(await toTunnel("/linkup/checkout", { "x-forwarded-host": `alpha.${DOMAIN}` }));
    expectRefused(await toTunnel("/linkup/check/x", { "x-forwarded-host": `alpha.${DOMAIN}` }));
  });

  it("routes a signed request to the service, without the signature headers", async () => {
    const res = await toTunnel("/page?x=1", await signedHeaders({ path: "/page?x=1" }));
    expect(res.status).toBe(200);
    expect(res.body).toBe("web /page?x=1");
    const seen = web.seen.at(-1)!;
    expect(seen.headers["linkup-tunnel-signature"]).toBeUndefined();
    expect(seen.headers["linkup-session"]).toBeUndefined();
    expect(seen.headers["linkup-destination"]).toBeUndefined();
    expect(seen.headers["x-forwarded-host"]).toBe(`alpha.${DOMAIN}`);
  });

  it("goes to the service the worker signed for, with bodies", async () => {
    expect((await toTunnel("/users", await signedHeaders({ path: "/users", destination: "api" }))).body).toBe("api /users");
    const post = await toTunnel("/form", await signedHeaders({ method: "POST", path: "/form" }), { method: "POST", body: "a=1" });
    expect(post.body).toBe("web got a=1");
  });

  it("refuses another tunnel's secret and any change to what was signed", async () => {
    expectRefused(await toTunnel("/", await signedHeaders({}, generateTunnelSecret())));
    const signed = await signedHeaders({ path: "/page" });
    expectRefused(await toTunnel("/admin", signed)); // other path
    expectRefused(await toTunnel("/page?extra=1", signed)); // other query
    expectRefused(await toTunnel("/page", signed, { method: "DELETE" })); // other method
    expectRefused(await toTunnel("/page", { ...signed, "linkup-destination": "api" })); // other service
    expectRefused(await toTunnel("/page", { ...signed, "x-forwarded-host": `beta.${DOMAIN}` })); // other host
    // alpha's signature presented for beta (which has no key on this machine).
    expectRefused(await toTunnel("/page", { ...signed, "linkup-session": "beta" }));
    expectRefused(await toTunnel("/page", { ...signed, "linkup-tunnel-signature": "t=1,v1=garbage" }));
  });

  it("refuses a replay once the window has passed, and timestamps from the future", async () => {
    const signed = await signedHeaders({ path: "/again" });
    expect((await toTunnel("/again", signed)).status).toBe(200);
    const start = clock;
    try {
      clock = start + REPLAY_WINDOW_MS / 2;
      expect((await toTunnel("/again", signed)).status).toBe(200); // still inside the minute
      clock = start + REPLAY_WINDOW_MS + 1_000;
      expectRefused(await toTunnel("/again", signed));
    } finally {
      clock = start;
    }
    expectRefused(await toTunnel("/later", await signedHeaders({ path: "/later" }, alphaSecret, clock + REPLAY_WINDOW_MS + 5_000)));
  });

  it("takes a new secret the moment the CLI stores it (a re-provisioned tunnel), and drops the old one", async () => {
    const betaSecret = generateTunnelSecret();
    expectRefused(await toTunnel("/", await signedHeaders({ session: "beta" }, betaSecret)));
    await storeTunnelSecret(dir, "beta", betaSecret);
    expect((await toTunnel("/", await signedHeaders({ session: "beta" }, betaSecret))).body).toBe("web /");
    const rotated = generateTunnelSecret();
    await storeTunnelSecret(dir, "beta", rotated);
    expect((await toTunnel("/", await signedHeaders({ session: "beta" }, rotated))).status).toBe(200);
    expectRefused(await toTunnel("/", await signedHeaders({ session: "beta" }, betaSecret)));
  });

  it("keeps secrets private to the user", () => {
    expect(statSync(tunnelSecretsDir(dir)).mode & 0o777).toBe(0o700);
    expect(statSync(join(tunnelSecretsDir(dir), "alpha")).mode & 0o777).toBe(0o600);
  });

  it("refuses an unsigned WebSocket upgrade before routing, and relays a signed one", async () => {
    const upgrade = (headers: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const port = Number(new URL(server.tunnelUrl).port);
        const socket = connect(port, "127.0.0.1", () => {
          const lines = ["GET /ws HTTP/1.1", `host: 127.0.0.1:${port}`, "connection: Upgrade", "upgrade: websocket", "sec-websocket-version: 13", "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ=="];
          for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
          socket.write(lines.join("\r\n") + "\r\n\r\n");
        });
        let data = "";
        socket.on("data", (c) => {
          data += c.toString();
          if (data.includes("\r\n\r\n")) {
            socket.destroy();
            resolve(data.split("\r\n")[0]!);
          }
        });
        socket.on("error", reject);
        socket.setTimeout(10_000, () => reject(new Error("no answer")));
      });
    const wsUpstream = http.createServer();
    wsUpstream.on("upgrade", (_req, socket) => {
      socket.end("HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    });
    await new Promise<void>((r) => wsUpstream.listen(0, "127.0.0.1", r));
    try {
      const wsUrl = `http://127.0.0.1:${(wsUpstream.address() as { port: number }).port}`;
      await putSession(server.adminUrl, "gamma", { ...spec(wsUrl), type: "tunneled" });
      const gammaSecret = generateTunnelSecret();
      await storeTunnelSecret(dir, "gamma", gammaSecret);
      expect(await upgrade({ "x-forwarded-host": `gamma.${DOMAIN}`, "linkup-destination": "web" })).toBe("HTTP/1.1 403 Forbidden");
      expect(await upgrade(await signedHeaders({ session: "gamma", path: "/ws" }, gammaSecret))).toBe("HTTP/1.1 101 Switching Protocols");
    } finally {
      wsUpstream.closeAllConnections();
      await new Promise((r) => wsUpstream.close(r));
    }
  });

  it("logs refusals with their reason but never a signature or secret", () => {
    const text = logs.join("\n");
    expect(text).toMatch(/tunnel listener: refused a request from 127\.0\.0\.1: missing/);
    expect(text).not.toContain(alphaSecret);
    expect(text).not.toMatch(/v1=/);
  });
});

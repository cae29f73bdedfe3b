// The HTTPS listener of the local server (local DNS installed): a TLS handshake for a session host
// verified against the local CA, routed like plain HTTP, with x-forwarded-proto https; and the DNS
// server started beside it.
import { mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { loadOrCreateCa } from "../../src/machine/ca.js";
import { DOMAIN, TEST_TOKEN, admin, putSession, spec, startUpstream, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let upstream: Upstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-https-"));
  upstream = await startUpstream("secure-web");
  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, httpsPort: 0, dnsPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "sec", spec(upstream.url));
}, 60_000);

afterAll(async () => {
  await server.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("https listener", () => {
  it("terminates TLS for a session host with a certificate from the local CA and routes the request", async () => {
    const ca = await loadOrCreateCa(dir);
    const port = new URL(server.httpsUrl!).port;
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        { host: "127.0.0.1", port, path: "/tls", servername: `sec.${DOMAIN}`, headers: { host: `sec.${DOMAIN}` }, ca: [ca.certPem], agent: false },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe("secure-web /tls");
    expect(upstream.seen.at(-1)!.headers["x-forwarded-proto"]).toBe("https");
  });

  it("reports the HTTPS and DNS ports in status", async () => {
    const status = JSON.parse((await admin(server.adminUrl, "GET", "/linkup/v1/status")).body);
    expect(status.ports.https).toBe(Number(new URL(server.httpsUrl!).port));
    expect(status.ports.dns).toBe(server.dnsPort);
    expect(server.dnsPort).toBeGreaterThan(0);
  });
});

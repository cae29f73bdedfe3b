// The local CA and on-the-fly leaf certificates, checked with real TLS handshakes over loopback.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateCa, type LocalCa } from "../../src/machine/ca.js";
import { createCertMinter } from "../../src/daemon/tls/cert-minter.js";
import { createSniContext } from "../../src/daemon/tls/https-server.js";

let dir: string;
let ca: LocalCa;
let server: tls.Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-tls-"));
  ca = await loadOrCreateCa(dir);
  const minter = createCertMinter({ ca, domains: () => ["example.test"] });
  server = tls.createServer({ SNICallback: createSniContext(minter) }, (socket) => {
    socket.end("hello over tls\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function handshake(servername: string | undefined): Promise<{ authorized: boolean; peer: tls.PeerCertificate; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca: [ca.certPem], ...(servername ? { servername } : {}) });
    let body = "";
    let secure = false;
    socket.on("secureConnect", () => (secure = true));
    socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
    socket.on("error", reject);
    socket.on("data", (chunk) => (body += chunk.toString()));
    socket.on("end", () => {
      // A server that aborts the handshake may just close the connection, without an alert.
      if (!secure) {
        socket.destroy();
        reject(new Error("connection closed before the TLS handshake completed"));
        return;
      }
      resolve({ authorized: socket.authorized, peer: socket.getPeerCertificate(), body });
      socket.destroy();
    });
  });
}

describe("local CA", () => {
  it("is a CA named Linkup Local CA, valid ten years, with a 0600 key", () => {
    const x509 = new X509Certificate(ca.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.subject).toContain("CN=Linkup Local CA");
    const years = (Date.parse(x509.validTo) - Date.now()) / (365.25 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(ca.created).toBe(true);
    expect(ca.certPath.startsWith(join(dir, "ca"))).toBe(true);
    expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "ca")).mode & 0o777).toBe(0o700);
    expect(x509.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it("is reused by a second call", async () => {
    const again = await loadOrCreateCa(dir);
    expect(again.created).toBe(false);
    expect(again.certPem).toBe(ca.certPem);
    expect(again.keyPem).toBe(ca.keyPem);
  });

  it("is created once when two callers race", async () => {
    const other = mkdtempSync(join(tmpdir(), "linkup-tls-race-"));
    try {
      const [a, b] = await Promise.all([loadOrCreateCa(other), loadOrCreateCa(other)]);
      expect(a.certPem).toBe(b.certPem);
      expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("TLS handshake", () => {
  it("succeeds for a session host, verified against the generated CA", async () => {
    const result = await handshake("slim-gecko.example.test");
    expect(result.authorized).toBe(true);
    expect(result.body).toBe("hello over tls\n");
    expect(result.peer.subjectaltname).toBe("DNS:slim-gecko.example.test");
    expect(result.peer.issuer.CN).toBe("Linkup Local CA");
    const days = (Date.parse(result.peer.valid_to) - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(85);
    expect(days).toBeLessThan(91);
  });

  it("works at any depth and for the apex", async () => {
    expect((await handshake("a.b.example.test")).authorized).toBe(true);
    expect((await handshake("example.test")).authorized).toBe(true);
  });

  it("fails for a name outside the configured domains", async () => {
    await expect(handshake("example.com")).rejects.toThrow();
    await expect(handshake("evil-example.test")).rejects.toThrow();
  });

  it("fails without SNI", async () => {
    await expect(handshake(undefined)).rejects.toThrow();
  });
});

describe("cert minter", () => {
  it("caches per name, case-insensitively, and evicts the least recently used", () => {
    const minter = createCertMinter({ ca, domains: () => ["example.test"], cacheSize: 2 });
    const a = minter.certFor("a.example.test");
    expect(minter.certFor("A.Example.Test.")).toBe(a);
    minter.certFor("b.example.test");
    minter.certFor("a.example.test"); // a is now most recent
    minter.certFor("c.example.test"); // evicts b
    expect(minter.certFor("a.example.test")).toBe(a);
    const leaf = new X509Certificate(a!.cert);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(leaf.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
  });

  it("re-mints a certificate close to expiry", () => {
    let clock = Date.now();
    const minter = createCertMinter({ ca, domains: () => ["example.test"], now: () => clock });
    const first = minter.certFor("x.example.test");
    clock += 89.5 * 24 * 3600 * 1000;
    expect(minter.certFor("x.example.test")).not.toBe(first);
  });

  it("returns null for outside names and junk", () => {
    const minter = createCertMinter({ ca, domains: () => ["example.test"] });
    for (const name of ["example.com", "", "bad name.example.test", "127.0.0.1", "a..example.test"]) {
      expect(minter.certFor(name)).toBeNull();
    }
  });
});

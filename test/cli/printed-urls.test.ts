// The URL Linkup prints follows what listens on this machine: with local DNS installed (the local
// server serving HTTPS), an isolated session prints its real https URL on the HTTPS port, and
// that URL (name resolved to this machine, as the local DNS server does) answers with the
// session's service over TLS verified against the local CA.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { loadOrCreateCa } from "../../src/machine/ca.js";
import { freePort } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

let home: string;
let server: LocalServer;
let app: Server;
let p: Project;
let env: Record<string, string>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "linkup-urls-"));
  app = createServer((req, res) => res.end(`app ${req.url} host=${req.headers["x-forwarded-host"]}`));
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const adminPort = await freePort();
  server = await startLocalServer({ stateDir: home, port: 0, adminPort, httpsPort: 0, dnsPort: 0 });
  // A worker port nothing listens on: this test needs no worker.
  env = { LINKUP_HOME: home, LINKUP_ADMIN_PORT: String(adminPort), LINKUP_WORKER_PORT: String(await freePort()) };
  p = makeProject();
  p.write(`services:
  - name: web
    remote: http://127.0.0.1:${(app.address() as { port: number }).port}
domains:
  - domain: example.test
    default_service: web
`);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await new Promise((r) => app?.close(r));
  p?.remove();
  rmSync(home, { recursive: true, force: true });
});

describe("printed URLs with local DNS installed", () => {
  it("an isolated session prints https://<session>.<domain>:<https port>/, and it answers over TLS", async () => {
    const r = await runCli(["sessions", "create-isolated", "iso", "--json"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const httpsPort = Number(new URL(server.httpsUrl!).port);
    const out = JSON.parse(r.stdout);
    expect(out.urls).toEqual([`https://iso.example.test:${httpsPort}/`]);
    const url = new URL(out.urls[0]);
    const ca = await loadOrCreateCa(home);
    const body = await new Promise<string>((resolve, reject) => {
      // What the local DNS server answers for the name: this machine.
      const req = https.get({ host: "127.0.0.1", port: url.port, path: "/x", servername: url.hostname, headers: { host: url.host }, ca: [ca.certPem], agent: false }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
    });
    expect(body).toBe(`app /x host=iso.example.test:${httpsPort}`);
    const listed = JSON.parse((await runCli(["sessions", "list", "--json"], { cwd: p.dir, env })).stdout);
    expect(listed.sessions.find((s: { name: string }) => s.name === "iso").urls).toEqual(out.urls);
  });

  it("with the 443 redirect local-dns install sets up, the URL has no port", async () => {
    const httpsPort = Number(new URL(server.httpsUrl!).port);
    // What install records when it redirects 127.0.0.1:443 to the local server's HTTPS port.
    writeFileSync(join(home, "local-dns.json"), JSON.stringify({ version: 1, platform: "linux", domains: ["example.test"], httpsPort, files: [], commands: [] }));
    try {
      const listed = JSON.parse((await runCli(["sessions", "list", "--json"], { cwd: p.dir, env })).stdout);
      expect(listed.sessions.find((s: { name: string }) => s.name === "iso").urls).toEqual(["https://iso.example.test/"]);
    } finally {
      rmSync(join(home, "local-dns.json"), { force: true });
    }
  });
});

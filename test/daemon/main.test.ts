// The local server process as the daemon runs it: flags and environment, the start line (ports,
// never the token), and a clean exit on SIGTERM. Run from source through tsx so no build is needed.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localServerConfig } from "../../src/daemon/options.js";
import { readAdminToken } from "../../src/machine/admin-token.js";
import { request } from "./proxy-fixtures.js";

const root = join(import.meta.dirname, "../..");
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "linkup-main-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("localServerConfig", () => {
  it("uses the documented defaults, with HTTPS and DNS off until local DNS is installed", () => {
    const dir = tempDir();
    expect(localServerConfig([], { LINKUP_HOME: dir })).toEqual({
      stateDir: dir,
      host: "127.0.0.1",
      port: 8790,
      adminPort: 8791,
      httpsPort: null,
      dnsPort: null,
      dnsUpstreams: [],
      embeddedWorkerPort: null,
      debug: false,
      logMaxBytes: 5 * 1024 * 1024,
    });
  });

  it("reads the DNS upstreams from --dns-upstream or LINKUP_DNS_UPSTREAM, refusing what is not an address", () => {
    const dir = tempDir();
    expect(localServerConfig(["--dns-upstream", "10.0.0.1,[::1]:5300"], { LINKUP_HOME: dir, LINKUP_DNS_UPSTREAM: "9.9.9.9" }).dnsUpstreams).toEqual([
      { host: "10.0.0.1", port: 53 },
      { host: "::1", port: 5300 },
    ]);
    expect(localServerConfig([], { LINKUP_HOME: dir, LINKUP_DNS_UPSTREAM: "127.0.0.1:5353" }).dnsUpstreams).toEqual([{ host: "127.0.0.1", port: 5353 }]);
    expect(() => localServerConfig([], { LINKUP_HOME: dir, LINKUP_DNS_UPSTREAM: "dns.google" })).toThrow(/LINKUP_DNS_UPSTREAM: "dns.google"/);
  });

  it("turns HTTPS and DNS on when the install record exists, with the DNS port it installed", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "local-dns.json"), JSON.stringify({ version: 1, dnsPort: 5353 }));
    const config = localServerConfig([], { LINKUP_HOME: dir });
    expect(config).toMatchObject({ httpsPort: 8443, dnsPort: 5353 });
    expect(localServerConfig(["--no-local-dns"], { LINKUP_HOME: dir })).toMatchObject({ httpsPort: null, dnsPort: null });
  });

  it("listens where install pointed ports 80 and 443 (the record's HTTP and HTTPS ports)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "local-dns.json"), JSON.stringify({ version: 1, dnsPort: 5353, httpPort: 8080, httpsPort: 9443 }));
    expect(localServerConfig([], { LINKUP_HOME: dir })).toMatchObject({ port: 8080, httpsPort: 9443, dnsPort: 5353 });
    expect(localServerConfig(["--https-port", "7443"], { LINKUP_HOME: dir })).toMatchObject({ httpsPort: 7443 });
  });

  it("takes flags over environment and refuses bad ports", () => {
    const dir = tempDir();
    const env = { LINKUP_HOME: dir, LINKUP_PROXY_PORT: "9000", LINKUP_ADMIN_PORT: "9001", LINKUP_EMBEDDED_WORKER: "1" };
    expect(localServerConfig(["--port", "9100"], env)).toMatchObject({ port: 9100, adminPort: 9001, embeddedWorkerPort: 8787 });
    expect(() => localServerConfig(["--port", "http"], env)).toThrow('--port must be a port number (0-65535), not "http"');
    expect(() => localServerConfig(["--nope"], env)).toThrow(/usage/);
  });

  it("reads the environment with the CLI's parser: a bad value names the variable", () => {
    const dir = tempDir();
    expect(() => localServerConfig([], { LINKUP_HOME: dir, LINKUP_ADMIN_PORT: "80a" })).toThrow(
      'LINKUP_ADMIN_PORT must be a port number (0-65535), not "80a"',
    );
    // Strict even for a variable whose listener is off: the value is wrong wherever it is read.
    expect(() => localServerConfig([], { LINKUP_HOME: dir, LINKUP_HTTPS_PORT: "x" })).toThrow(/^LINKUP_HTTPS_PORT must be/);
    expect(() => localServerConfig([], { LINKUP_HOME: dir, LINKUP_LOCAL_DNS: "on" })).toThrow('LINKUP_LOCAL_DNS must be 1 or 0, not "on"');
    expect(localServerConfig([], { LINKUP_HOME: dir, LINKUP_DNS_PORT: "5300", LINKUP_LOCAL_DNS: "1" })).toMatchObject({ dnsPort: 5300, httpsPort: 8443 });
  });
});

describe("main.ts process", () => {
  it("starts, logs its ports without the token, serves the admin API, and exits 0 on SIGTERM", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["--import", "tsx", "src/daemon/main.ts", "--port", "0", "--admin-port", "0"], {
      cwd: root,
      env: { ...process.env, LINKUP_HOME: dir, LINKUP_LOCAL_DNS: "0", LINKUP_EMBEDDED_WORKER: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (c) => (output += c));
    child.stderr!.on("data", (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    const deadline = AbortSignal.timeout(20_000);
    while (!output.includes("started")) {
      if (deadline.aborted || child.exitCode !== null) throw new Error(`main.ts did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const admin = /admin=(\S+)/.exec(output)![1]!;
    expect(output).toMatch(/proxy=http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain("https=off");
    const token = readAdminToken(dir)!;
    expect(output).not.toContain(token);

    const status = await request(`${admin}/linkup/v1/status`, {
      headers: { host: new URL(admin).host, authorization: `Bearer ${token}`, "x-linkup-version": "1.0.0" },
    });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body).pid).toBe(child.pid);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("closed");
  }, 30_000);
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PORTS, DEFAULT_TUNNEL_TIMEOUT_MS } from "./defaults.js";
import { ConfigError } from "./errors.js";
import { ENV, localServerEnv, localServerProcess, parsePort, parseSettings, workerUrl } from "./settings.js";
import type { LinkupConfig } from "./config.js";

function problem(env: Record<string, string>): ConfigError {
  try {
    parseSettings(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`parseSettings accepted ${JSON.stringify(env)}`);
}

describe("parseSettings", () => {
  it("gives the documented defaults for an empty environment", () => {
    expect(parseSettings({})).toEqual({
      home: undefined,
      configFile: undefined,
      owner: undefined,
      debug: false,
      proxyHost: "127.0.0.1",
      ports: { worker: 8787, proxy: 8790, admin: 8791, https: 8443, dns: undefined, tunnel: undefined },
      dnsUpstream: [],
      localDns: undefined,
      embeddedWorker: false,
      cloudflared: undefined,
      tunnelTimeoutMs: 60_000,
      logMaxBytes: 5 * 1024 * 1024,
      testResolveHosts: [],
      externalDiff: undefined,
      cloudflare: { accountId: undefined, zoneIds: [], apiToken: undefined, apiBase: undefined },
    });
    expect(DEFAULT_PORTS).toEqual({ worker: 8787, proxy: 8790, admin: 8791, tunnel: 8792, https: 8443, dns: 8053 });
    expect(DEFAULT_TUNNEL_TIMEOUT_MS).toBe(60_000);
  });

  it("reads every variable", () => {
    const s = parseSettings({
      LINKUP_HOME: "/tmp/h",
      LINKUP_CONFIG: "team.yaml",
      LINKUP_OWNER: "ci-bot",
      LINKUP_DEBUG: "1",
      LINKUP_PROXY_HOST: "0.0.0.0",
      LINKUP_PROXY_PORT: "9000",
      LINKUP_ADMIN_PORT: "9001",
      LINKUP_WORKER_PORT: "9002",
      LINKUP_HTTPS_PORT: "9443",
      LINKUP_DNS_PORT: "5353",
      LINKUP_DNS_UPSTREAM: "10.0.0.1, [::1]:5300",
      LINKUP_LOCAL_DNS: "0",
      LINKUP_EMBEDDED_WORKER: "true",
      LINKUP_CLOUDFLARED: "/opt/cloudflared",
      LINKUP_TUNNEL_TIMEOUT_MS: "1500",
      LINKUP_LOG_MAX_BYTES: "65536",
      LINKUP_READY_FD: "3",
      LINKUP_TEST_RESOLVE_HOSTS: " a.test, *.zone.test ,",
      LINKUP_EXTERNAL_DIFF: "colordiff -N -u",
      CLOUDFLARE_ACCOUNT_ID: "acc",
      CLOUDFLARE_ZONE_IDS: "z1,z2",
      CLOUDFLARE_API_TOKEN: "tok",
      CLOUDFLARE_API_BASE: "http://127.0.0.1:1/client/v4",
    });
    expect(s).toEqual({
      home: "/tmp/h",
      configFile: "team.yaml",
      owner: "ci-bot",
      debug: true,
      proxyHost: "0.0.0.0",
      ports: { proxy: 9000, admin: 9001, worker: 9002, https: 9443, dns: 5353 },
      dnsUpstream: ["10.0.0.1", "[::1]:5300"],
      localDns: false,
      embeddedWorker: true,
      cloudflared: "/opt/cloudflared",
      tunnelTimeoutMs: 1500,
      logMaxBytes: 65536,
      readyFd: 3,
      testResolveHosts: ["a.test", "*.zone.test"],
      externalDiff: "colordiff -N -u",
      cloudflare: { accountId: "acc", zoneIds: ["z1", "z2"], apiToken: "tok", apiBase: "http://127.0.0.1:1/client/v4" },
    });
  });

  it("treats an empty value as unset", () => {
    expect(parseSettings({ LINKUP_ADMIN_PORT: "", LINKUP_DEBUG: "", LINKUP_HOME: "" })).toMatchObject({
      home: undefined,
      debug: false,
      ports: { admin: 8791 },
    });
  });

  it("refuses a port that is not exactly a number in range, naming the variable", () => {
    for (const bad of ["80a", " 80", "0x50", "8e1", "-1", "65536", "1.5", "port"]) {
      const e = problem({ LINKUP_ADMIN_PORT: bad });
      expect(e.code).toBe("invalid-setting");
      expect(e.message).toBe(`LINKUP_ADMIN_PORT must be a port number (0-65535), not "${bad}"`);
    }
    expect(parseSettings({ LINKUP_ADMIN_PORT: "0" }).ports.admin).toBe(0);
    expect(parseSettings({ LINKUP_ADMIN_PORT: "65535" }).ports.admin).toBe(65535);
  });

  it("refuses flags that are neither on nor off, and timeouts that are not positive whole numbers", () => {
    expect(problem({ LINKUP_DEBUG: "yes" }).message).toBe('LINKUP_DEBUG must be 1 or 0, not "yes"');
    expect(problem({ LINKUP_OWNER: "two words" }).message).toMatch(/^LINKUP_OWNER must be an owner id/);
    expect(problem({ LINKUP_TUNNEL_TIMEOUT_MS: "0" }).message).toBe('LINKUP_TUNNEL_TIMEOUT_MS must be a whole number above 0, not "0"');
    expect(problem({ LINKUP_TUNNEL_TIMEOUT_MS: "10s" }).message).toMatch(/^LINKUP_TUNNEL_TIMEOUT_MS /);
    expect(parseSettings({ LINKUP_DEBUG: "FALSE", LINKUP_LOCAL_DNS: "1" })).toMatchObject({ debug: false, localDns: true });
  });

  it("reports every bad variable at once", () => {
    const e = problem({ LINKUP_ADMIN_PORT: "80a", LINKUP_WORKER_PORT: "x", LINKUP_EMBEDDED_WORKER: "maybe" });
    expect(e.message).toBe(
      'LINKUP_WORKER_PORT must be a port number (0-65535), not "x"; LINKUP_ADMIN_PORT must be a port number (0-65535), not "80a"; LINKUP_EMBEDDED_WORKER must be 1 or 0, not "maybe"',
    );
    expect(e.hint).toMatch(/unset the variable/);
  });

  it("parses a flag value with the same rules and message shape", () => {
    expect(parsePort("--admin-port", "9100")).toBe(9100);
    expect(() => parsePort("--admin-port", "80a")).toThrow('--admin-port must be a port number (0-65535), not "80a"');
  });
});

describe("what the CLI hands the local server", () => {
  it("round-trips through parseSettings: the server reads the ports the CLI will call", () => {
    const cli = parseSettings({ LINKUP_ADMIN_PORT: "9101", LINKUP_WORKER_PORT: "9102" });
    const server = parseSettings(localServerEnv(cli, "/state", true));
    expect(server).toMatchObject({ home: "/state", embeddedWorker: true, ports: { admin: 9101, worker: 9102 } });
    // Without the embedded worker it says so, whatever the CLI's own environment held.
    expect(parseSettings({ LINKUP_EMBEDDED_WORKER: "1", ...localServerEnv(cli, "/state", false) }).embeddedWorker).toBe(false);
  });

  it("names the embedded worker only when the config has no worker_url", () => {
    const settings = parseSettings({ LINKUP_WORKER_PORT: "9200" });
    const config = (workerUrl: string | undefined) => ({ linkup: workerUrl ? { worker_url: workerUrl } : {} }) as LinkupConfig;
    expect(workerUrl(config(undefined), settings)).toEqual({ url: "http://127.0.0.1:9200", embedded: true });
    expect(workerUrl(config("https://w.example.com//"), settings)).toEqual({ url: "https://w.example.com", embedded: false });
  });
});

describe("documentation", () => {
  it("docs/cli.md or docs/local-server.md lists every variable parseSettings reads", () => {
    const docs = ["cli.md", "local-server.md"].map((f) => readFileSync(join(import.meta.dirname, "../../docs", f), "utf8")).join("\n");
    const missing = Object.values(ENV).filter((name) => !docs.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });
});

describe("localServerProcess", () => {
  it("gives every Node the larger old-space start and Node 24 and later the small semi-spaces too", () => {
    expect(localServerProcess("20.19.0").nodeFlags).toEqual(["--initial-old-space-size=64"]);
    expect(localServerProcess("v22.9.0").nodeFlags).toEqual(["--initial-old-space-size=64"]);
    expect(localServerProcess("24.21.0").nodeFlags).toEqual(["--initial-old-space-size=64", "--max-semi-space-size=2"]);
    expect(localServerProcess("24.21.0").env).toEqual({ MALLOC_TRIM_THRESHOLD_: String(32 << 20), MALLOC_MMAP_THRESHOLD_: String(1 << 20) });
  });
});

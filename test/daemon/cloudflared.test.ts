// The cloudflared supervisor against test/support/fake-cloudflared.mjs (a real child process).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { cloudflaredSupervisor, findCloudflared, type CloudflaredSupervisor } from "../../src/daemon/cloudflared/cloudflared.js";
import { LinkupError } from "../../src/core/errors.js";
import { processExists as alive } from "../../src/machine/daemon.js";

const FAKE = fileURLToPath(new URL("../support/fake-cloudflared.mjs", import.meta.url));
const TOKEN = Buffer.from(JSON.stringify({ a: "acct", t: "6ff42ae2-765d-4adf-8112-31c55c1551ef", s: "c2VjcmV0" })).toString("base64");

let dir: string;
let sup: CloudflaredSupervisor | undefined;
let ingress: http.Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "linkup-cloudflared-"));
});
afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  if (ingress) await new Promise((r) => ingress!.close(r));
  ingress = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("cloudflared supervisor", () => {
  it("start waits for a registered connection and a resolving hostname; the ingress reaches the local server; the token is not in argv", async () => {
    ingress = http.createServer((req, res) => res.end(`local server saw ${req.headers.host} ${req.url}`));
    await new Promise<void>((r) => ingress!.listen(0, "127.0.0.1", r));
    const tunnelPort = await freePort();
    sup = cloudflaredSupervisor({
      binary: FAKE,
      token: TOKEN,
      stateDir: dir,
      env: { FAKE_CLOUDFLARED_PORT: String(tunnelPort), FAKE_CLOUDFLARED_INGRESS: `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`, FAKE_CLOUDFLARED_DELAY_MS: "300" },
    });
    let lookups = 0;
    await sup.start();
    await sup.waitReady({ hostname: "linkup-tunnel-x.example.test", timeoutMs: 10_000, resolve: async (h) => (expect(h).toBe("linkup-tunnel-x.example.test"), ++lookups >= 3) });
    expect(lookups).toBe(3);

    const log = await readFile(sup.logFile, "utf8");
    expect(log).toMatch(/INF Version 2025\.4\.0/);
    expect(log).toMatch(/INF Registered tunnel connection connIndex=0 connection=[0-9a-f-]{36} event=0 ip=\S+ location=ams01 protocol=quic/);
    expect(log).not.toContain(TOKEN);

    const pid = sup.pid()!;
    expect(readFileSync(sup.pidFile, "utf8").trim()).toBe(String(pid));
    if (existsSync(`/proc/${pid}/cmdline`)) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      expect(argv).toContain("run");
      expect(argv).toContain("--no-autoupdate");
      expect(argv.join(" ")).not.toContain(TOKEN);
    }

    // fetch cannot set Host; node:http can, like Cloudflare's edge sending the public hostname down the tunnel
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: tunnelPort, path: "/hello", headers: { host: "linkup-tunnel-x.example.test" }, signal: AbortSignal.timeout(5_000) }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve(body));
      });
      req.on("error", reject);
    });
    expect(text).toBe("local server saw linkup-tunnel-x.example.test /hello");
  });

  it("restarts cloudflared with backoff when it dies, and stop() ends it and removes the pid file", async () => {
    sup = cloudflaredSupervisor({ binary: FAKE, token: TOKEN, stateDir: dir, backoff: { initialMs: 100, maxMs: 400 } });
    await sup.start();
    await sup.waitReady({ hostname: "h", timeoutMs: 10_000, resolve: async () => true });
    const first = sup.pid()!;

    process.kill(first, "SIGKILL");
    await until(() => sup!.pid() !== undefined && sup!.pid() !== first);
    const second = sup.pid()!;
    expect(sup.restarts()).toBe(1);
    await until(() => readFileSync(sup!.pidFile, "utf8").trim() === String(second));
    expect(await readFile(sup.logFile, "utf8")).toMatch(/cloudflared ended \(signal SIGKILL\); restarting in 100 ms/);
    await until(() => (readFileSync(sup!.logFile, "utf8").match(/Registered tunnel connection/g) ?? []).length === 2);

    await sup.stop();
    expect(sup.pid()).toBeUndefined();
    expect(existsSync(sup.pidFile)).toBe(false);
    await until(() => !alive(second));
    await new Promise((r) => setTimeout(r, 300)); // no restart after a deliberate stop
    expect(sup.restarts()).toBe(1);
    expect(alive(first)).toBe(false);
  });

  it("waitReady times out with an error that says what to check", async () => {
    sup = cloudflaredSupervisor({ binary: FAKE, token: TOKEN, stateDir: dir, env: { FAKE_CLOUDFLARED_DELAY_MS: "60000" } });
    await sup.start();
    const err = await sup.waitReady({ hostname: "h.example.test", timeoutMs: 500, resolve: async () => true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkupError);
    expect((err as LinkupError).code).toBe("cloudflared-not-ready");
    expect((err as Error).message).toMatch(/did not register a tunnel connection within 1s; check .*cloudflared-stderr, that outbound .*7844/);
    await sup.stop();

    sup = cloudflaredSupervisor({ binary: FAKE, token: TOKEN, stateDir: dir });
    await sup.start();
    await expect(sup.waitReady({ hostname: "h.example.test", timeoutMs: 800, resolve: async () => false })).rejects.toThrow(
      /connected but h\.example\.test did not resolve within 1s; check that the DNS record exists/,
    );
  });

  it("an invalid token shows cloudflared's own error in the timeout message", async () => {
    sup = cloudflaredSupervisor({ binary: FAKE, token: "not-a-token", stateDir: dir, backoff: { initialMs: 5_000 } });
    await sup.start();
    await expect(sup.waitReady({ hostname: "h", timeoutMs: 600, resolve: async () => true })).rejects.toThrow(/last error: .*ERR Provided Tunnel token is not valid/);
  });

  it("a missing binary gets a one-line install instruction", async () => {
    const empty = join(dir, "empty");
    const err = await findCloudflared({ PATH: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkupError);
    expect((err as LinkupError).code).toBe("cloudflared-missing");
    expect((err as Error).message).toMatch(/^cloudflared was not found on PATH; install it from https:\/\/developers\.cloudflare\.com\/\S+ \(macOS: `brew install cloudflared`\)/);
    expect((err as Error).message).not.toContain("\n");

    await expect(findCloudflared({ LINKUP_CLOUDFLARED: join(dir, "nope"), PATH: "" })).rejects.toThrow(/LINKUP_CLOUDFLARED=.*nope is not an executable file; install it/);
    expect(await findCloudflared({ LINKUP_CLOUDFLARED: FAKE })).toBe(FAKE);
    expect(await findCloudflared({ PATH: join(FAKE, "..") + ":/nonexistent" }).catch((e: Error) => e.message)).toMatch(/not found/); // named fake-cloudflared.mjs, not cloudflared

    sup = cloudflaredSupervisor({ token: TOKEN, stateDir: dir });
    const prev = process.env.PATH;
    process.env.PATH = empty;
    try {
      await expect(sup.start()).rejects.toMatchObject({ code: "cloudflared-missing" });
    } finally {
      process.env.PATH = prev;
    }
  });
});

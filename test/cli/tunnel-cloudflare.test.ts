// A Cloudflare-tunneled session end to end through the real CLI process: the worker under
// Miniflare with TUNNEL_PROVIDER=cloudflare pointed at the Cloudflare API stand-in, the
// local-server daemon the CLI starts, and test/support/fake-cloudflared.mjs as cloudflared.
// `apply` provisions the tunnel at "Cloudflare", hands the run token to the daemon, waits until
// cloudflared is connected and the hostname resolves; traffic the edge would send down the tunnel
// reaches the local app; `stop` ends cloudflared; the next `apply` reconnects from the stored
// token; a killed daemon's leftover cloudflared is ended by `stop`. Then the failure paths
// (cloudflared never registers, the hostname never resolves, a missing binary), and `start` for a
// personal tunneled session (the worker is asked on every start, refreshing last_started).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloudflareStandin, type CloudflareStandin } from "../support/cloudflare-api-standin.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { childProcesses } from "../../src/machine/process-table.js";
import { freePort } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

const FAKE = fileURLToPath(new URL("../support/fake-cloudflared.mjs", import.meta.url));
const CF_TOKEN = "cf-cli-test-token";
const ACCOUNT = "acct-cli-test";
const ZONE = { id: "zone-cli", name: "tunnels.test" };
const HOST = `linkup-tunnel-team-a.${ZONE.name}`;

/** Running, not merely a zombie: a process whose parent died is reaped by init, which may take a while in a container. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc (macOS): kill(0) is all we have
  }
}

/** A request as Cloudflare's edge sends it down the tunnel: to cloudflared, for the tunnel hostname. */
function throughTunnel(port: number, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/hello", headers: { host: HOST, ...headers }, agent: false, signal: AbortSignal.timeout(10_000) }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
  });
}

describe("a Cloudflare tunnel through the CLI", () => {
  const home = mkdtempSync(join(tmpdir(), "linkup-home-"));
  let cf: CloudflareStandin;
  let worker: WorkerHarness;
  let app: http.Server;
  let p: Project;
  let env: Record<string, string>;
  let tunnelPort: number;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env: { ...env, ...extra } });
  const summary = () => cf.writes().map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{32,36}/g, ":id")}`);

  beforeAll(async () => {
    cf = await startCloudflareStandin({ token: CF_TOKEN, accountId: ACCOUNT, zones: [ZONE] });
    const proxyPort = await freePort();
    worker = await startWorkerHarness({
      vars: {
        TUNNEL_PROVIDER: "cloudflare",
        CLOUDFLARE_API_BASE: cf.url,
        CLOUDFLARE_API_TOKEN: CF_TOKEN,
        CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
        CLOUDFLARE_TUNNEL_ZONE_ID: ZONE.id,
        CLOUDFLARE_TUNNEL_ZONE_NAME: ZONE.name,
        TUNNEL_INGRESS_SERVICE: `http://127.0.0.1:${proxyPort}`,
      },
    });
    app = http.createServer((req, res) => res.end(`app saw ${req.url} for ${req.headers["x-forwarded-host"] ?? req.headers.host}`));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    tunnelPort = await freePort();
    env = {
      LINKUP_HOME: home,
      LINKUP_ADMIN_PORT: String(await freePort()),
      LINKUP_PROXY_PORT: String(proxyPort),
      LINKUP_LOCAL_DNS: "0",
      TEST_WORKER_TOKEN: worker.token,
      // Read by the daemon the CLI starts (it inherits the CLI's environment).
      LINKUP_CLOUDFLARED: FAKE,
      FAKE_CLOUDFLARED_PORT: String(tunnelPort),
      FAKE_CLOUDFLARED_INGRESS: `http://127.0.0.1:${proxyPort}`,
      // The stand-in's tunnel zone is not in real DNS.
      LINKUP_TEST_RESOLVE_HOSTS: `*.${ZONE.name}`,
      LINKUP_TUNNEL_TIMEOUT_MS: "20000",
    };
    p = makeProject();
    p.write(config());
  });

  const config = (personal = "") => `linkup:
  worker_url: ${worker.url.replace(/\/+$/, "")}
  worker_token: \${TEST_WORKER_TOKEN}
  config_id: tunnels
services:
  - name: web
    local: http://127.0.0.1:${(app.address() as AddressInfo).port}
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - name: team-a
    type: tunneled
    routes: { web: local }
${personal}`;

  afterAll(async () => {
    // Whatever happened, the daemon (and its cloudflared) this test may have started is ended.
    if (p) await cli(["stop"]);
    if (app) await new Promise((r) => app.close(r));
    await worker?.close();
    await cf?.close();
    p?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  it("apply provisions the tunnel, starts cloudflared in the daemon and waits until it is connected", async () => {
    const r = await cli(["apply", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sessions).toEqual([expect.objectContaining({ name: "team-a", result: "created", tunnel_url: `https://${HOST}` })]);
    expect(out.tunnel).toMatchObject({ state: "connected", session: "team-a", hostname: HOST, restarts: 0, log_file: join(home, "cloudflared-stderr"), not_connected: [] });
    expect(r.stderr).toContain(`waiting for cloudflared to connect ${HOST}`);

    // "Cloudflare" saw exactly tunnel + ingress + DNS record, the ingress pointing at the local proxy.
    expect(summary()).toEqual([`POST accounts/${ACCOUNT}/cfd_tunnel`, `PUT accounts/${ACCOUNT}/cfd_tunnel/:id/configurations`, `POST zones/${ZONE.id}/dns_records`]);
    expect(cf.writes()[1]!.body).toEqual({ config: { ingress: [{ hostname: HOST, service: env.FAKE_CLOUDFLARED_INGRESS }, { service: "http_status:404" }] } });

    // cloudflared runs detached from the CLI (which has exited), under the daemon, with a pid file.
    const pid = out.tunnel.pid as number;
    expect(alive(pid)).toBe(true);
    expect(readFileSync(join(home, "cloudflared.pid"), "utf8").trim()).toBe(String(pid));
    expect(readFileSync(join(home, "cloudflared-stderr"), "utf8")).toMatch(/INF Registered tunnel connection connIndex=0/);
    const tokenFile = join(home, "tunnel-tokens", "team-a");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, "cloudflared-stderr"), "utf8")).not.toContain(readFileSync(tokenFile, "utf8").trim());

    // What the edge sends down the tunnel reaches the local app through the local proxy.
    const res = await throughTunnel(tunnelPort, { "linkup-destination": "web", "x-forwarded-host": "team-a.example.com" });
    expect(res).toEqual({ status: 200, text: "app saw /hello for team-a.example.com" });
  });

  it("status and health show the tunnel; a second apply changes nothing and keeps the same cloudflared", async () => {
    const s = await cli(["status", "--session", "team-a", "--json"]);
    expect(s.code, s.stderr).toBe(0);
    const st = JSON.parse(s.stdout);
    expect(st.cloudflared).toMatchObject({ state: "connected", hostname: HOST, session: "team-a" });
    const text = await cli(["status", "--session", "team-a"]);
    expect(text.stdout).toMatch(new RegExp(`^cloudflared: connected \\(${HOST.replace(/\./g, "\\.")}, pid \\d+\\)$`, "m"));

    const h = JSON.parse((await cli(["health", "--json"])).stdout);
    expect(h.tunnel).toMatchObject({ state: "connected", hostname: HOST });
    expect(h.processes).toContainEqual(expect.objectContaining({ name: "cloudflared", pid: st.cloudflared.pid, alive: true }));
    expect(h.orphans).toEqual([]);

    const writes = cf.writes().length;
    const versions = JSON.stringify((await worker.api("GET", "/sessions")).json);
    const again = await cli(["apply", "-o", "json"]);
    expect(again.code, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout);
    expect(out.sessions).toEqual([expect.objectContaining({ name: "team-a", result: "unchanged" })]);
    expect(out.tunnel).toMatchObject({ state: "connected", pid: st.cloudflared.pid, restarts: 0 });
    expect(cf.writes().length).toBe(writes);
    expect(JSON.stringify((await worker.api("GET", "/sessions")).json)).toBe(versions);
  });

  it("stop ends cloudflared with the daemon; the next apply reconnects from the stored token", async () => {
    const pid = Number(readFileSync(join(home, "cloudflared.pid"), "utf8").trim());
    const stop = await cli(["stop", "--json"]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ stopped: true, orphan_cloudflared_pid: null });
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(home, "cloudflared.pid"))).toBe(false);

    const writes = cf.writes().length;
    const r = await cli(["apply"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("session/team-a unchanged");
    expect(r.stdout).toMatch(new RegExp(`^tunnel/team-a connected ${HOST.replace(/\./g, "\\.")} \\(cloudflared pid \\d+, log .*cloudflared-stderr\\)$`, "m"));
    expect(cf.writes().length).toBe(writes);
    const next = Number(readFileSync(join(home, "cloudflared.pid"), "utf8").trim());
    expect(next).not.toBe(pid);
    expect(alive(next)).toBe(true);

    expect((await cli(["stop"])).code).toBe(0);
    expect(alive(next)).toBe(false);
  });

  it("a local server killed with SIGKILL takes its cloudflared with it (the watchdog)", async () => {
    expect((await cli(["apply"])).code).toBe(0);
    const pid = Number(readFileSync(join(home, "cloudflared.pid"), "utf8").trim());
    const daemonPid = Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
    process.kill(daemonPid, "SIGKILL");
    const deadline = AbortSignal.timeout(15_000);
    while (alive(pid) && !deadline.aborted) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
    expect((await cli(["stop"])).code).toBe(0);
  });

  it("stop also ends a cloudflared left behind by a local server that was killed with its watchdog", async () => {
    expect((await cli(["apply"])).code).toBe(0);
    const pid = Number(readFileSync(join(home, "cloudflared.pid"), "utf8").trim());
    const daemonPid = Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
    // An OOM kill of the whole lot, say: the watchdog dies first, then the server.
    for (const w of childProcesses(daemonPid, "linkup-watchdog")) process.kill(w.pid, "SIGKILL");
    process.kill(daemonPid, "SIGKILL");
    const deadline = AbortSignal.timeout(10_000);
    while (alive(daemonPid) && !deadline.aborted) await new Promise((r) => setTimeout(r, 20));

    const h = JSON.parse((await cli(["health", "--json"])).stdout);
    expect(h.orphans).toContainEqual(expect.objectContaining({ name: "cloudflared", pid }));

    const stop = JSON.parse((await cli(["stop", "--json"])).stdout);
    expect(stop).toMatchObject({ stopped: false, orphan_cloudflared_pid: pid });
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(home, "cloudflared.pid"))).toBe(false);
  });

  it("apply fails with what to check when cloudflared never registers a connection", async () => {
    const r = await cli(["apply"], { FAKE_CLOUDFLARED_DELAY_MS: "600000", LINKUP_TUNNEL_TIMEOUT_MS: "1000" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: cloudflared did not register a tunnel connection for ${HOST} within 1s (state starting, 0 restarts); check ${join(home, "cloudflared-stderr")}, that outbound port 7844`,
    );
    expect(r.stderr).toMatch(/hint: cloudflared keeps retrying in the background/);
    const pid = Number(readFileSync(join(home, "cloudflared.pid"), "utf8").trim());
    expect((await cli(["stop"])).code).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it("apply fails with a DNS hint when the tunnel hostname does not resolve", async () => {
    const r = await cli(["apply"], { LINKUP_TEST_RESOLVE_HOSTS: "", LINKUP_TUNNEL_TIMEOUT_MS: "1000" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: cloudflared is connected but ${HOST} did not resolve within 1s; check that its DNS record exists in the tunnel zone`);
    expect((await cli(["stop"])).code).toBe(0);
  });

  it("a missing cloudflared binary fails apply with the one-line install instruction", async () => {
    const r = await cli(["apply"], { LINKUP_CLOUDFLARED: join(home, "no-such-cloudflared") });
    expect(r.code).toBe(2);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toEqual([
      `error: LINKUP_CLOUDFLARED=${join(home, "no-such-cloudflared")} is not an executable file; install it from https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/ (macOS: \`brew install cloudflared\`), or set LINKUP_CLOUDFLARED to its path`,
    ]);
    expect(existsSync(join(home, "cloudflared.pid"))).toBe(false);
    expect((await cli(["stop"])).code).toBe(0);
  });

  it("start connects the personal session's tunnel and refreshes it on the worker each time; apply prefers it too", async () => {
    p.write(config("  - type: tunneled\n    routes: { web: local }\n"));
    const first = await cli(["start", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const started = JSON.parse(first.stdout);
    const host = `linkup-tunnel-${started.session}.${ZONE.name}`;
    expect(started).toMatchObject({ type: "tunneled", result: "created", tunnel_url: `https://${host}` });
    expect(started.tunnel).toMatchObject({ state: "connected", session: started.session, hostname: host });
    const kv = await worker.kv("LINKUP_TUNNELS");
    const before = JSON.parse((await kv.get(started.session, "text"))!).last_started as number;

    const writes = cf.writes().length;
    const again = JSON.parse((await cli(["start", "--json"])).stdout);
    expect(again).toMatchObject({ result: "unchanged", tunnel: { state: "connected", pid: started.tunnel.pid } });
    expect(JSON.parse((await kv.get(started.session, "text"))!).last_started).toBeGreaterThan(before);
    expect(cf.writes().length).toBe(writes);

    // One cloudflared per machine: apply keeps the personal session's tunnel and names the other.
    const applied = await cli(["apply", "-o", "json"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).tunnel).toMatchObject({ session: started.session, pid: started.tunnel.pid, not_connected: ["team-a"] });
    expect((await cli(["stop"])).code).toBe(0);
    expect(alive(started.tunnel.pid)).toBe(false);
  });
});

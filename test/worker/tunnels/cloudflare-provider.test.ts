// The cloudflare tunnel provider and tunnel-store, run in Node against the Cloudflare API stand-in.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCloudflareStandin, type CloudflareStandin } from "../../support/cloudflare-api-standin.js";
import { memoryKv } from "../../support/memory-kv.js";
import { cloudflareTunnelProvider } from "../../../src/worker/tunnels/cloudflare.js";
import { directTunnelProvider } from "../../../src/worker/tunnels/direct.js";
import { startTunnel, cleanupTunnels, readTunnel } from "../../../src/worker/tunnels/tunnel-store.js";
import { tunnelProviderFromEnv } from "../../../src/worker/tunnels/from-env.js";
import { RemoteError, ConfigError } from "../../../src/core/errors.js";

const TOKEN = "cf-test-token-secret";
const ACCOUNT = "acct0123456789abcdef0123456789ab";
const ZONE = { id: "zone-tunnels", name: "example.test" };
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

let cf: CloudflareStandin;
const provider = () =>
  cloudflareTunnelProvider({
    apiBase: cf.url,
    apiToken: TOKEN,
    accountId: ACCOUNT,
    zoneId: ZONE.id,
    zoneName: ZONE.name,
    ingressService: "http://localhost:8790",
  });

beforeEach(async () => {
  cf = await startCloudflareStandin({ token: TOKEN, accountId: ACCOUNT, zones: [ZONE] });
});
afterEach(async () => {
  await cf.close();
});

const summary = (calls: { method: string; path: string }[]) => calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{32,36}/g, ":id")}`);

describe("cloudflare tunnel provider", () => {
  it("provisioning creates exactly a tunnel, its ingress configuration and a proxied CNAME", async () => {
    const kv = memoryKv();
    const { record, run_token } = await startTunnel(kv, provider(), "tiny-cow", T0);

    expect(summary(cf.writes())).toEqual([
      `POST accounts/${ACCOUNT}/cfd_tunnel`,
      `PUT accounts/${ACCOUNT}/cfd_tunnel/:id/configurations`,
      `POST zones/${ZONE.id}/dns_records`,
    ]);
    const [createTunnel, config, dns] = cf.writes();
    expect(createTunnel!.body).toEqual({ name: "linkup-tunnel-tiny-cow", config_src: "cloudflare" });
    expect(config!.body).toEqual({
      config: { ingress: [{ hostname: "linkup-tunnel-tiny-cow.example.test", service: "http://localhost:8790" }, { service: "http_status:404" }] },
    });
    expect(dns!.body).toMatchObject({ type: "CNAME", name: "linkup-tunnel-tiny-cow.example.test", content: `${record.tunnel_id}.cfargotunnel.com`, proxied: true });

    expect(record).toMatchObject({
      session: "tiny-cow",
      provider: "cloudflare",
      hostname: "linkup-tunnel-tiny-cow.example.test",
      tunnel_url: "https://linkup-tunnel-tiny-cow.example.test",
      created: T0,
      last_started: T0,
    });
    expect(record.dns_record_id).toBe([...cf.state.dns.keys()][0]);
    expect(JSON.parse(Buffer.from(run_token!, "base64").toString())).toMatchObject({ a: ACCOUNT, t: record.tunnel_id });
    expect(await readTunnel(kv, "tiny-cow")).toEqual(record);
  });

  it("starting a known tunnel again only refreshes last_started (no Cloudflare writes)", async () => {
    const kv = memoryKv();
    const first = await startTunnel(kv, provider(), "tiny-cow", T0);
    const writes = cf.writes().length;
    const again = await startTunnel(kv, provider(), "tiny-cow", T0 + DAY);
    expect(cf.writes().length).toBe(writes);
    expect(again.record).toEqual({ ...first.record, last_started: T0 + DAY });
    expect(again.run_token).toBe(first.run_token);
    expect((await readTunnel(kv, "tiny-cow"))!.last_started).toBe(T0 + DAY);
  });

  it("a start asking for another ingress re-points the same tunnel (Mentimeter CLIs deliver to :80), and back", async () => {
    const kv = memoryKv();
    const first = await startTunnel(kv, provider(), "tiny-cow", T0);
    const legacy = await startTunnel(kv, provider(), "tiny-cow", T0 + DAY, "http://localhost:80");
    expect(legacy.record).toMatchObject({ tunnel_id: first.record.tunnel_id, ingress: "http://localhost:80", created: T0, last_started: T0 + DAY });
    const tunnel = () => [...cf.state.tunnels.values()].find((t) => t.name === "linkup-tunnel-tiny-cow")!;
    expect((tunnel().config as any).ingress[0].service).toBe("http://localhost:80");
    expect(cf.state.tunnels.size).toBe(1);
    const writes = cf.writes().length;
    await startTunnel(kv, provider(), "tiny-cow", T0 + 2 * DAY, "http://localhost:80");
    expect(cf.writes().length).toBe(writes);
    const back = await startTunnel(kv, provider(), "tiny-cow", T0 + 3 * DAY);
    expect(back.record.ingress).toBeUndefined();
    expect((tunnel().config as any).ingress[0].service).toBe("http://localhost:8790");
  });

  it("cleanup at 8 days deletes exactly the DNS record and the tunnel, and leaves a 6-day-old tunnel alone", async () => {
    const kv = memoryKv();
    const old = await startTunnel(kv, provider(), "old-one", T0);
    const recent = await startTunnel(kv, provider(), "recent-one", T0 + 2 * DAY);
    const before = cf.writes().length;

    const result = await cleanupTunnels(kv, provider(), T0 + 8 * DAY);

    expect(result.deleted.map((r) => r.session)).toEqual(["old-one"]);
    expect(result.failed).toEqual([]);
    expect(result.kept).toBe(1);
    const cleanupWrites = cf.writes().slice(before);
    expect(summary(cleanupWrites)).toEqual([`DELETE zones/${ZONE.id}/dns_records/:id`, `DELETE accounts/${ACCOUNT}/cfd_tunnel/:id`]);
    expect(cleanupWrites[0]!.path).toContain(old.record.dns_record_id!);
    expect(cleanupWrites[1]!.path).toContain(old.record.tunnel_id);
    expect(cleanupWrites[1]!.query).toEqual({ cascade: "true" });

    expect(kv.data.has("old-one")).toBe(false);
    expect(await readTunnel(kv, "recent-one")).toEqual(recent.record);
    expect([...cf.state.dns.values()].map((r) => r.name)).toEqual(["linkup-tunnel-recent-one.example.test"]);
    expect(cf.state.tunnels.get(recent.record.tunnel_id)!.deleted_at).toBeNull();
    expect(cf.state.tunnels.get(old.record.tunnel_id)!.deleted_at).not.toBeNull();
  });

  it("a failing tunnel is reported, kept in KV, and does not stop the others; a tunnel already gone counts as destroyed", async () => {
    const kv = memoryKv(1);
    const a = await startTunnel(kv, provider(), "a-sess", T0);
    const b = await startTunnel(kv, provider(), "b-sess", T0);
    const c = await startTunnel(kv, provider(), "c-sess", T0);
    // c's tunnel was already deleted by hand at Cloudflare
    cf.state.tunnels.get(c.record.tunnel_id)!.deleted_at = new Date().toISOString();
    cf.failNext("DELETE", new RegExp(`cfd_tunnel/${a.record.tunnel_id}$`), 500, [{ code: 1002, message: "Internal error" }]);
    await kv.put("garbage", "{not json");

    const result = await cleanupTunnels(kv, provider(), T0 + 8 * DAY);

    expect(result.deleted.map((r) => r.session).sort()).toEqual(["b-sess", "c-sess"]);
    expect(result.failed).toEqual([
      { session: "a-sess", error: expect.stringContaining("[1002] Internal error") },
      { session: "garbage", error: expect.stringContaining("unreadable") },
    ]);
    expect([...kv.data.keys()].sort()).toEqual(["a-sess", "garbage"]);
    expect(b.record.session).toBe("b-sess");

    // the next run retries a: its DNS record is gone already (404) and that is fine
    const retry = await cleanupTunnels(kv, provider(), T0 + 9 * DAY);
    expect(retry.deleted.map((r) => r.session)).toEqual(["a-sess"]);
    expect(kv.data.has("a-sess")).toBe(false);
  });

  it("Cloudflare API errors become clear messages with Cloudflare's codes and never the token", async () => {
    cf.failNext("POST", /cfd_tunnel$/, 403, [{ code: 10000, message: "Authentication error" }]);
    const err = await startTunnel(memoryKv(), provider(), "tiny-cow", T0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    const e = err as RemoteError;
    expect(e.code).toBe("cloudflare-api");
    expect(e.status).toBe(403);
    expect(e.message).toBe("Cloudflare API: could not create tunnel linkup-tunnel-tiny-cow (HTTP 403): [10000] Authentication error");
    expect(e.hint).toMatch(/permissions/);
    expect(JSON.stringify({ m: e.message, h: e.hint })).not.toContain(TOKEN);

    const wrongToken = cloudflareTunnelProvider({ apiBase: cf.url, apiToken: "nope", accountId: ACCOUNT, zoneId: ZONE.id, zoneName: ZONE.name, ingressService: "http://localhost:8790" });
    await expect(wrongToken.provision("x", T0)).rejects.toThrow(/HTTP 401.*\[10000\] Authentication error/);

    const unreachable = cloudflareTunnelProvider({ apiBase: "http://127.0.0.1:9/client/v4", apiToken: TOKEN, accountId: ACCOUNT, zoneId: ZONE.id, zoneName: ZONE.name, ingressService: "x" });
    await expect(unreachable.provision("x", T0)).rejects.toThrow(/unreachable/);
  });

  it("a provisioning interrupted after the tunnel was created is completed by the next start, without a second tunnel", async () => {
    const kv = memoryKv();
    cf.failNext("POST", /dns_records$/, 500, [{ code: 1000, message: "DNS backend unavailable" }]);
    await expect(startTunnel(kv, provider(), "tiny-cow", T0)).rejects.toThrow(/create DNS record linkup-tunnel-tiny-cow.example.test.*DNS backend unavailable/);
    expect(kv.data.size).toBe(0);

    const { record } = await startTunnel(kv, provider(), "tiny-cow", T0);
    expect(cf.state.tunnels.size).toBe(1);
    expect(cf.state.dns.size).toBe(1);
    expect(record.tunnel_id).toBe([...cf.state.tunnels.keys()][0]);
  });
});

describe("direct provider and provider selection", () => {
  it("direct: the tunnel URL is the local server's own address, no run token, destroy is a no-op", async () => {
    const kv = memoryKv();
    const p = directTunnelProvider({ url: "http://127.0.0.1:8790/" });
    const { record, run_token } = await startTunnel(kv, p, "tiny-cow", T0);
    expect(record).toMatchObject({ provider: "direct", tunnel_url: "http://127.0.0.1:8790", dns_record_id: null });
    expect(run_token).toBeNull();
    const result = await cleanupTunnels(kv, p, T0 + 8 * DAY);
    expect(result.deleted).toHaveLength(1);
    expect(kv.data.size).toBe(0);
  });

  it("tunnelProviderFromEnv picks by TUNNEL_PROVIDER and names missing variables", () => {
    expect(tunnelProviderFromEnv({}).kind).toBe("direct");
    expect(
      tunnelProviderFromEnv({
        TUNNEL_PROVIDER: "cloudflare",
        CLOUDFLARE_API_TOKEN: "t",
        CLOUDFLARE_ACCOUNT_ID: "a",
        CLOUDFLARE_TUNNEL_ZONE_ID: "z",
        CLOUDFLARE_TUNNEL_ZONE_NAME: "example.test",
      }).kind,
    ).toBe("cloudflare");
    expect(() => tunnelProviderFromEnv({ TUNNEL_PROVIDER: "cloudflare", CLOUDFLARE_API_TOKEN: "t" })).toThrow(
      /needs CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_TUNNEL_ZONE_ID, CLOUDFLARE_TUNNEL_ZONE_NAME/,
    );
    expect(() => tunnelProviderFromEnv({ TUNNEL_PROVIDER: "ngrok" })).toThrow(ConfigError);
  });
});

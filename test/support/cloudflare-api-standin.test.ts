// The stand-in itself: it must reject what Cloudflare would reject, or the other tests prove little.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCloudflareStandin, type CloudflareStandin } from "./cloudflare-api-standin.js";
import { cloudflareTunnelProvider } from "../../src/worker/tunnels/cloudflare.js";

let cf: CloudflareStandin;
beforeEach(async () => {
  cf = await startCloudflareStandin({ token: "tok", accountId: "acct", zones: [{ id: "z", name: "example.test" }] });
});
afterEach(async () => {
  await cf.close();
});

async function call(method: string, path: string, body?: unknown, token = "tok") {
  const res = await fetch(`${cf.url}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { success: boolean; errors: { code: number; message: string }[]; result: unknown } };
}

describe("Cloudflare API stand-in", () => {
  it("answers in the envelope and rejects bad auth, unknown paths, wrong methods, other accounts and bad bodies", async () => {
    const ok = await call("POST", "accounts/acct/cfd_tunnel", { name: "t1", config_src: "cloudflare" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, errors: [], messages: [], result: { name: "t1" } });

    expect((await call("GET", "accounts/acct/cfd_tunnel", undefined, "wrong")).body.errors[0]!.code).toBe(10000);
    expect((await call("GET", "accounts/acct/nope")).status).toBe(404);
    expect((await call("PATCH", "accounts/acct/cfd_tunnel")).status).toBe(405);
    expect((await call("GET", "accounts/other/cfd_tunnel")).status).toBe(403);
    expect((await call("POST", "accounts/acct/cfd_tunnel", { config_src: "cloudflare" })).status).toBe(400);
    expect((await call("POST", "accounts/acct/cfd_tunnel", { name: "t1" })).body.errors[0]!.code).toBe(1013);
    const id = (ok.body.result as { id: string }).id;
    expect((await call("PUT", `accounts/acct/cfd_tunnel/${id}/configurations`, { config: { ingress: [{ hostname: "h", service: "http://x" }] } })).status).toBe(400);
    expect((await call("POST", "zones/z/dns_records", { type: "MX", name: "a", content: "b" })).status).toBe(400);
    expect((await call("POST", "zones/unknown/dns_records", { type: "CNAME", name: "a", content: "b" })).status).toBe(404);
    expect(cf.writes().map((c) => c.method + " " + c.path)).toEqual(["POST accounts/acct/cfd_tunnel"]);
  });

  it("provider refuses session names that cannot form a DNS label", async () => {
    const p = cloudflareTunnelProvider({ apiBase: cf.url, apiToken: "tok", accountId: "acct", zoneId: "z", zoneName: "example.test", ingressService: "http://x" });
    await expect(p.provision("a".repeat(50), 0)).rejects.toThrow(/must be a DNS label/);
    expect(cf.calls).toEqual([]);
  });
});

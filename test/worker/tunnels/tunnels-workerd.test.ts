// The same tunnel-store + cloudflare provider, bundled with esbuild and run in workerd (Miniflare)
// with a real KV namespace LINKUP_TUNNELS, pointed at the Cloudflare API stand-in through env vars.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Miniflare } from "miniflare";
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import { startCloudflareStandin, type CloudflareStandin } from "../../support/cloudflare-api-standin.js";

const TOKEN = "cf-workerd-token";
const ACCOUNT = "acct-workerd";
const ZONE = { id: "zone-w", name: "tunnels.test" };
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

let cf: CloudflareStandin;
let mf: Miniflare;

beforeAll(async () => {
  cf = await startCloudflareStandin({ token: TOKEN, accountId: ACCOUNT, zones: [ZONE] });
  const built = await esbuild.build({
    entryPoints: [fileURLToPath(new URL("../../support/tunnel-test-worker.ts", import.meta.url))],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    logLevel: "error",
  });
  mf = new Miniflare({
    modules: true,
    script: built.outputFiles[0]!.text,
    compatibilityDate: "2024-12-18",
    kvNamespaces: ["LINKUP_TUNNELS"],
    bindings: {
      TUNNEL_PROVIDER: "cloudflare",
      CLOUDFLARE_API_BASE: cf.url,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      CLOUDFLARE_TUNNEL_ZONE_ID: ZONE.id,
      CLOUDFLARE_TUNNEL_ZONE_NAME: ZONE.name,
    },
  });
});

afterAll(async () => {
  await mf?.dispose();
  await cf?.close();
});

async function post(path: string, now: number): Promise<any> {
  const res = await mf.dispatchFetch(`http://worker${path}?now=${now}`, { method: "POST" });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe("tunnel-store in workerd", () => {
  it("provisions exactly tunnel + ingress + DNS record, and cleanup at 8 days removes exactly those, keeping a 6-day-old tunnel", async () => {
    const old = await post("/start/old-sess", T0);
    expect(cf.writes().map((c) => `${c.method} ${c.path.split("/").slice(2).join("/").replace(/[0-9a-f-]{32,36}/g, ":id")}`)).toEqual([
      "POST cfd_tunnel",
      "PUT cfd_tunnel/:id/configurations",
      "POST dns_records",
    ]);
    expect(old.record.tunnel_url).toBe("https://linkup-tunnel-old-sess.tunnels.test");
    expect(typeof old.run_token).toBe("string");

    await post("/start/new-sess", T0 + 2 * DAY);
    const before = cf.writes().length;
    const result = await post("/cleanup", T0 + 8 * DAY);

    expect(result.deleted.map((r: { session: string }) => r.session)).toEqual(["old-sess"]);
    expect(result.failed).toEqual([]);
    const deletes = cf.writes().slice(before);
    expect(deletes.map((c) => c.method + " " + c.path)).toEqual([
      `DELETE zones/${ZONE.id}/dns_records/${old.record.dns_record_id}`,
      `DELETE accounts/${ACCOUNT}/cfd_tunnel/${old.record.tunnel_id}`,
    ]);
    const keys = await (await mf.dispatchFetch("http://worker/keys")).json();
    expect(keys).toEqual(["new-sess"]);
  });
});

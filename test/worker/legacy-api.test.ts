// Mentimeter's session endpoints on the real bundle under workerd, fed the request bodies its CLI
// and its server tests send (serde's JSON of UpsertSessionRequest: Url locations end with "/",
// absent lists are null). The sessions they write are read back through this project's API, so
// both CLIs are shown to share one store with one set of version rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloudflareStandin, type CloudflareStandin } from "../support/cloudflare-api-standin.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { startUpstream, specOf, type Upstream } from "./upstream.js";

const CF = { token: "cf-legacy-token", accountId: "acct-legacy", zone: { id: "zone-legacy", name: "tunnels.test" } };

let w: WorkerHarness;
let direct: WorkerHarness;
let cf: CloudflareStandin;
let upstream: Upstream;

beforeAll(async () => {
  cf = await startCloudflareStandin({ token: CF.token, accountId: CF.accountId, zones: [CF.zone] });
  upstream = await startUpstream();
  w = await startWorkerHarness({
    token: "token123",
    vars: {
      TUNNEL_PROVIDER: "cloudflare",
      CLOUDFLARE_API_BASE: cf.url,
      CLOUDFLARE_API_TOKEN: CF.token,
      CLOUDFLARE_ACCOUNT_ID: CF.accountId,
      CLOUDFLARE_TUNNEL_ZONE_ID: CF.zone.id,
      CLOUDFLARE_TUNNEL_ZONE_NAME: CF.zone.name,
    },
  });
  direct = await startWorkerHarness({ token: "token123" });
});
afterAll(async () => {
  await w?.close();
  await direct?.close();
  await upstream?.close();
  await cf?.close();
});

/** Mentimeter's `create_session_request` (helpers.rs): Named, token "token", one service on example.com. */
function namedRequest(name: string, location = "http://example.com/", token = "token") {
  return {
    desired_name: name,
    session_token: token,
    services: [{ name: "frontend", location, rewrites: null }],
    domains: [{ domain: "example.com", default_service: "frontend", routes: null }],
    cache_routes: null,
  };
}

/** Mentimeter's `create_preview_request` (server_test.rs): Unnamed, six_char, no token. */
function previewRequest(location = "http://example.com/") {
  return {
    name_kind: "six_char",
    session_token: null,
    services: [{ name: "frontend", location, rewrites: null }],
    domains: [{ domain: "example.com", default_service: "frontend", routes: null }],
    cache_routes: null,
  };
}

interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** Mentimeter's `post` helper: JSON content type, `Bearer token123`, version 99.99.99 (each overridable; null drops it). */
async function post(harness: WorkerHarness, path: string, body: unknown, headers: Record<string, string | null> = {}): Promise<Answer> {
  const h: Record<string, string> = { "content-type": "application/json", authorization: "Bearer token123", "x-linkup-version": "99.99.99" };
  for (const [k, v] of Object.entries(headers)) if (v === null) delete h[k];
  else h[k] = v;
  const res = await fetch(harness.url + path, { method: "POST", headers: h, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

describe("Mentimeter's worker tests", () => {
  it("worker_can_create_session: POST /linkup/local-session with a Named request answers the name", async () => {
    const res = await post(w, "/linkup/local-session", namedRequest("potatoname"));
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe("potatoname");
  });

  it("worker_can_create_preview: POST /linkup/preview-session with an Unnamed six_char request answers a 6-character name", async () => {
    const res = await post(w, "/linkup/preview-session", previewRequest());
    expect(res.status, res.text).toBe(200);
    expect(res.text).toHaveLength(6);
    expect(res.text).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe("the sessions they write, seen by this project's API and proxy", () => {
  it("a local-session is a tunneled session with remote routes, owned by the token's hash, version 1 with its ETag", async () => {
    const res = await post(w, "/linkup/local-session", namedRequest("seen-by-new", upstream.url + "/"));
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
    const got = await w.api("GET", "/sessions/seen-by-new");
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(got.json.spec).toEqual({
      type: "tunneled",
      // Mentimeter keeps sessions 7 days after their last write.
      ttl: "1w",
      services: [{ name: "frontend", route: "remote", remote: upstream.url + "/", rewrites: [] }],
      domains: [{ domain: "example.com", default_service: "frontend", routes: [] }],
      cache_routes: [],
    });
    expect(got.json.managed_by).toMatch(/^legacy-token:[0-9a-f]{32}$/);
    expect(Date.parse(got.json.expires_at) - Date.parse(got.json.updated_at)).toBe(7 * 24 * 3600 * 1000);
    // The token itself is stored nowhere.
    expect(JSON.stringify(got.json)).not.toContain('"token"');

    const proxied = await w.send({ host: "seen-by-new.example.com", path: "/hello" });
    expect(proxied.status).toBe(200);
    expect(JSON.parse(proxied.text).url).toBe("/hello");
  });

  it("the same token writes the same name again (next version); another token gets a fresh name", async () => {
    expect((await post(w, "/linkup/local-session", namedRequest("twice-owned"))).text).toBe("twice-owned");
    const again = await post(w, "/linkup/local-session", namedRequest("twice-owned", "http://example.org/"));
    expect(again.text).toBe("twice-owned");
    expect(again.headers.get("etag")).toBe('"2"');
    expect((await w.api("GET", "/sessions/twice-owned")).json.spec.services[0].remote).toBe("http://example.org/");

    const other = await post(w, "/linkup/local-session", namedRequest("twice-owned", "http://evil.test/", "someone-else"));
    expect(other.status).toBe(200);
    expect(other.text).not.toBe("twice-owned");
    expect(other.text).toMatch(/^[a-z]+-[a-z]+(-\d+)?$/);
    expect((await w.api("GET", "/sessions/twice-owned")).json.spec.services[0].remote).toBe("http://example.org/");
  });

  it("never replaces a session this project's CLI wrote", async () => {
    const put = await w.api("PUT", "/sessions/new-cli-own", {
      body: { spec: specOf([{ name: "web", route: "remote", remote: "https://web.example.net" }]), managed_by: "team-config" },
    });
    expect(put.status).toBe(201);
    const v1 = await post(w, "/linkup/local-session", namedRequest("new-cli-own"));
    expect(v1.status).toBe(200);
    expect(v1.text).not.toBe("new-cli-own");
    const v2 = await post(w, "/linkup/v2/sessions/preview", namedRequest("new-cli-own"));
    expect(v2.status).toBe(409);
    expect(v2.text).toBe("Conflict");
    const now = await w.api("GET", "/sessions/new-cli-own");
    expect(now.json).toMatchObject({ version: 1, managed_by: "team-config" });
  });

  it("an expired session of another owner does not hold its name", async () => {
    expect((await post(w, "/linkup/v2/sessions/preview", namedRequest("stale-name", "http://example.com/", "first-owner"))).status).toBe(200);
    // Expire it in the store, as the clock would after 7 days.
    const kv = await w.kv("LINKUP_SESSIONS");
    const key = (await kv.list({ prefix: "" })).keys.map((k) => k.name).find((k) => k.endsWith("stale-name"))!;
    const stored = JSON.parse((await kv.get(key, "text"))!);
    await kv.put(key, JSON.stringify({ ...stored, expires_at: new Date(Date.now() - 1000).toISOString() }));
    const taken = await post(w, "/linkup/v2/sessions/preview", namedRequest("stale-name", "http://example.org/", "second-owner"));
    expect(taken.status, taken.text).toBe(200);
    expect(taken.headers.get("etag")).toBe('"1"');
  });

  it("a desired name that is not a DNS label gets a fresh name on v1 and a 400 on v2", async () => {
    const v1 = await post(w, "/linkup/local-session", namedRequest("Not_A_Label"));
    expect(v1.status).toBe(200);
    expect(v1.text).toMatch(/^[a-z]+-[a-z]+(-\d+)?$/);
    const v2 = await post(w, "/linkup/v2/sessions/preview", namedRequest("Not_A_Label"));
    expect(v2.status).toBe(400);
    expect(v2.text).toContain("DNS label");
  });
});

describe("v1 preview-session", () => {
  it("names a request deterministically (service order does not matter) and keeps a desired name only for its holder", async () => {
    const two = (order: 0 | 1) => {
      const services = [
        { name: "frontend", location: "http://example.com/", rewrites: null },
        { name: "api", location: "http://api.example.com/", rewrites: [{ source: "^/v1/(.*)", target: "/$1" }] },
      ];
      return { ...previewRequest(), services: order === 0 ? services : [...services].reverse() };
    };
    const a = await post(w, "/linkup/preview-session", two(0));
    const b = await post(w, "/linkup/preview-session", two(1));
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect(b.headers.get("etag")).toBe('"2"');
    const differs = await post(w, "/linkup/preview-session", previewRequest("http://other.example.com/"));
    expect(differs.text).not.toBe(a.text);

    const named = await post(w, "/linkup/preview-session", { ...namedRequest("my-preview"), session_token: "preview_session" });
    // Nobody holds my-preview: Mentimeter then uses the deterministic name, not the desired one.
    expect(named.text).toMatch(/^[0-9a-f]{6}$/);
    expect((await w.api("GET", `/sessions/${named.text}`)).json.spec.type).toBe("preview");
  });
});

describe("v2 routes", () => {
  it("preview: 200 {session_name}; the same name from another token is 409 Conflict", async () => {
    const res = await post(w, "/linkup/v2/sessions/preview", namedRequest("pr-7"));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ session_name: "pr-7" });
    expect((await w.api("GET", "/sessions/pr-7")).json.spec.type).toBe("preview");
    const clash = await post(w, "/linkup/v2/sessions/preview", namedRequest("pr-7", "http://example.com/", "other-token"));
    expect(clash.status).toBe(409);
    const mine = await post(w, "/linkup/v2/sessions/preview", namedRequest("pr-7", "http://example.net/"));
    expect(mine.status).toBe(200);
    expect((await w.api("GET", "/sessions/pr-7")).json).toMatchObject({ version: 2, spec: { services: [{ remote: "http://example.net/" }] } });
  });

  it("preview: services on localhost are refused (400)", async () => {
    const res = await post(w, "/linkup/v2/sessions/preview", namedRequest("pr-local", "http://localhost:3000/"));
    expect(res.status).toBe(400);
    expect(res.text).toContain("localhost");
    expect((await w.api("GET", "/sessions/pr-local")).status).toBe(404);
  });

  it("preview: an Unnamed animal request gets a fresh adjective-animal name", async () => {
    const res = await post(w, "/linkup/v2/sessions/preview", { ...previewRequest(), name_kind: "animal" });
    expect(res.status).toBe(200);
    expect(res.json.session_name).toMatch(/^[a-z]+-[a-z]+(-\d+)?$/);
  });

  it("tunneled: starts the tunnel (delivering to the old CLI's local server on :80) and routes localhost services through it", async () => {
    const body = {
      ...namedRequest("old-laptop"),
      services: [
        { name: "frontend", location: "http://localhost:3000/", rewrites: null },
        { name: "api", location: "https://api.example.net/", rewrites: null },
      ],
    };
    const res = await post(w, "/linkup/v2/sessions/tunneled", body);
    expect(res.status, res.text).toBe(200);
    const tunnel = [...cf.state.tunnels.values()].find((t) => t.name === "linkup-tunnel-old-laptop")!;
    expect(tunnel).toBeDefined();
    expect(res.json).toEqual({
      session_name: "old-laptop",
      tunnel_data: {
        account_id: CF.accountId,
        name: "linkup-tunnel-old-laptop",
        url: "https://linkup-tunnel-old-laptop.tunnels.test",
        id: tunnel.id,
        secret: tunnel.secret,
        last_started: expect.any(Number),
      },
    });
    expect(tunnel.config).toEqual({
      ingress: [{ hostname: "linkup-tunnel-old-laptop.tunnels.test", service: "http://localhost:80" }, { service: "http_status:404" }],
    });
    const record = (await w.api("GET", "/sessions/old-laptop")).json;
    expect(record.tunnel_url).toBe("https://linkup-tunnel-old-laptop.tunnels.test");
    expect(record.version).toBe(1);
    expect(record.spec.services).toEqual([
      { name: "frontend", route: "local", local: "http://localhost:3000/", rewrites: [] },
      { name: "api", route: "remote", remote: "https://api.example.net/", rewrites: [] },
    ]);

    const tunnelData = await fetch(`${w.url}/linkup/tunnel?session_name=old-laptop`, { headers: { authorization: "Bearer token123" } });
    expect(tunnelData.status).toBe(200);
    expect(await tunnelData.json()).toMatchObject({ id: tunnel.id, secret: tunnel.secret, url: "https://linkup-tunnel-old-laptop.tunnels.test" });
  });

  it("tunneled: a name held by another owner is 409 and no tunnel is touched", async () => {
    await post(w, "/linkup/v2/sessions/preview", namedRequest("held-name"));
    const before = cf.calls.length;
    const res = await post(w, "/linkup/v2/sessions/tunneled", namedRequest("held-name", "http://localhost:3000/", "intruder"));
    expect(res.status).toBe(409);
    expect(cf.calls.length).toBe(before);
  });

  it("tunneled on a worker with the direct tunnel provider is a clear 501, nothing stored", async () => {
    const res = await post(direct, "/linkup/v2/sessions/tunneled", namedRequest("no-cf", "http://localhost:3000/"));
    expect(res.status).toBe(501);
    expect(res.text).toContain("TUNNEL_PROVIDER=cloudflare");
    expect((await direct.api("GET", "/sessions/no-cf")).status).toBe(404);
  });
});

describe("Mentimeter's checks", () => {
  it("local-session checks x-linkup-version: missing, unparsable or below 2.1.0 is 401; a pre-release passes", async () => {
    for (const [version, status] of [
      [null, 401],
      ["two", 401],
      ["2.0.9", 401],
      ["2.1.0", 200],
      ["0.0.0-next-1740000000-abc1234", 200],
    ] as const) {
      const res = await post(w, "/linkup/local-session", namedRequest(`version-${status}`), { "x-linkup-version": version });
      expect(res.status, `${version}: ${res.text}`).toBe(status);
      if (status === 401) expect(res.text).toMatch(/x-linkup-version|outdated/i);
    }
    // The other routes do not check it, as in Mentimeter's worker.
    expect((await post(w, "/linkup/preview-session", previewRequest(), { "x-linkup-version": null })).status).toBe(200);
  });

  it("needs the worker token: missing or wrong is 401; a bare token works like Bearer", async () => {
    expect((await post(w, "/linkup/v2/sessions/preview", namedRequest("auth-a"), { authorization: null })).status).toBe(401);
    const wrong = await post(w, "/linkup/v2/sessions/preview", namedRequest("auth-a"), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain("token123");
    expect((await post(w, "/linkup/v2/sessions/preview", namedRequest("auth-a"), { authorization: "token123" })).status).toBe(200);
    expect((await w.api("GET", "/sessions/auth-a")).status).toBe(200);
  });

  it("body errors: 415 without JSON content type, 400 for bad JSON or an invalid session, 422 for another shape; nothing stored", async () => {
    expect((await post(w, "/linkup/v2/sessions/preview", namedRequest("bad-1"), { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(w, "/linkup/v2/sessions/preview", "{not json")).status).toBe(400);
    expect((await post(w, "/linkup/v2/sessions/preview", { desired_name: "bad-2", services: "x" })).status).toBe(422);
    const invalid = await post(w, "/linkup/v2/sessions/preview", {
      ...namedRequest("bad-3"),
      domains: [{ domain: "example.com", default_service: "nobody", routes: null }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('unknown service "nobody"');
    const noServices = await post(w, "/linkup/local-session", { ...namedRequest("bad-4"), services: [] });
    expect(noServices.status).toBe(400);
    for (const n of ["bad-1", "bad-2", "bad-3", "bad-4"]) expect((await w.api("GET", `/sessions/${n}`)).status).toBe(404);
  });

  it("another method on one of its paths is 405; other /linkup paths are proxied (422 without a session)", async () => {
    const wrongMethod = await fetch(`${w.url}/linkup/local-session`, { headers: { authorization: "Bearer token123" } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await fetch(`${w.url}/linkup/something-else`)).status).toBe(422);
    const noTunnel = await fetch(`${w.url}/linkup/no-tunnel`);
    expect(noTunnel.status).toBe(422);
  });
});

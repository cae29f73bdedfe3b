// The local proxy over real sockets: two isolated sessions side by side, each routed to its own
// upstream; header rules as the upstream sees them; Location rewrite; routing failures; the 502
// page when a dev server is down (and the proxy still serving afterwards).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { stateDirId } from "../../src/machine/state-dir.js";
import { API_VERSION } from "../../src/core/api.js";
import { DOMAIN, TEST_TOKEN, putSession, spec, startUpstream, viaProxy, request, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let alphaWeb: Upstream;
let alphaApi: Upstream;
let betaWeb: Upstream;
let redirector: Upstream;
let downUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-proxy-"));
  alphaWeb = await startUpstream("alpha-web");
  alphaApi = await startUpstream("alpha-api");
  betaWeb = await startUpstream("beta-web");
  redirector = await startUpstream("redirector", (req, res) => {
    // /app-redirect: an app building its redirect from the host Linkup told it.
    const location = req.url === "/app-redirect" ? `http://${req.headers["x-forwarded-host"]}/welcome` : `${redirector.url}/login?next=${encodeURIComponent(req.url!)}`;
    res.writeHead(302, { location });
    res.end();
  });
  // A port that was just free: nothing listens there.
  const gone = await startUpstream("gone");
  downUrl = gone.url;
  await gone.close();

  server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
  await putSession(server.adminUrl, "alpha", spec(alphaWeb.url, alphaApi.url));
  await putSession(server.adminUrl, "beta", spec(betaWeb.url));
  await putSession(server.adminUrl, "redir", spec(redirector.url));
  await putSession(server.adminUrl, "down", spec(downUrl));
});

afterAll(async () => {
  await server.close();
  await Promise.all([alphaWeb.close(), alphaApi.close(), betaWeb.close(), redirector.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("routing", () => {
  it("sends each session to its own upstream", async () => {
    const a = await viaProxy(server.proxyUrl, "alpha", "/page?x=1");
    const b = await viaProxy(server.proxyUrl, "beta", "/page?x=1");
    expect(a.status).toBe(200);
    expect(a.body).toBe("alpha-web /page?x=1");
    expect(b.body).toBe("beta-web /page?x=1");
  });

  it("applies domain routes and the service's rewrites", async () => {
    const res = await viaProxy(server.proxyUrl, "alpha", "/api/users?id=7");
    expect(res.body).toBe("alpha-api /users?id=7");
  });

  it("finds the session from tracestate when the host names none", async () => {
    const res = await request(`${server.proxyUrl}/page`, { headers: { host: DOMAIN, tracestate: "linkup-session=beta" } });
    expect(res.body).toBe("beta-web /page");
  });

  it("finds the session from baggage when the host names none", async () => {
    const res = await request(`${server.proxyUrl}/page`, { headers: { host: DOMAIN, baggage: "k=v, linkup-session=beta" } });
    expect(res.body).toBe("beta-web /page");
  });

  it("takes the domain from the Referer when the request is addressed to the proxy's address", async () => {
    const res = await request(`${server.proxyUrl}/page`, { headers: { baggage: "linkup-session=beta", referer: `https://beta.${DOMAIN}/` } });
    expect(res.body).toBe("beta-web /page");
  });

  it("answers 422 in plain text when no session is named", async () => {
    const res = await request(`${server.proxyUrl}/`, { headers: { host: "localhost", accept: "text/html" } });
    expect(res.status).toBe(422);
    // Routing failures are plain text like the worker's, whatever the client accepts.
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("Linkup local server");
  });

  it("answers 422 for a session named in tracestate that does not exist", async () => {
    const res = await request(`${server.proxyUrl}/`, { headers: { host: "localhost", tracestate: "linkup-session=nobody" } });
    expect(res.status).toBe(422);
    expect(res.body).toContain('"nobody" does not exist');
  });

  it("answers 404 when the host is outside the session's domains", async () => {
    const res = await request(`${server.proxyUrl}/`, { headers: { host: "alpha.other.test" } });
    expect(res.status).toBe(404);
    expect(res.body).toContain("not under any domain of session alpha");
  });

  it("never forwards to a URL the session does not name (absolute-form request target)", async () => {
    const res = await new Promise<string>((resolve, reject) => {
      import("node:http").then(({ default: http }) => {
        const u = new URL(server.proxyUrl);
        const req = http.request({ host: u.hostname, port: u.port, path: `${betaWeb.url}/steal`, headers: { host: `alpha.${DOMAIN}` }, agent: false });
        req.on("response", (r) => {
          let body = "";
          r.on("data", (c) => (body += c));
          r.on("end", () => resolve(body));
        });
        req.on("error", reject);
        req.end();
      }, reject);
    });
    // The absolute URL's host (127.0.0.1) names no session: nothing was forwarded to beta.
    expect(res).not.toContain("beta-web");
  });
});

describe("header rules", () => {
  it("adds trace and forwarding headers and strips linkup-destination before the upstream", async () => {
    await viaProxy(server.proxyUrl, "beta", "/headers", { headers: { "linkup-destination": "web", "x-custom": "kept" } });
    const seen = betaWeb.seen.at(-1)!;
    expect(seen.url).toBe("/headers");
    expect(seen.headers["linkup-destination"]).toBeUndefined();
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen.headers.tracestate).toBe("linkup-session=beta");
    expect(seen.headers.baggage).toBe("linkup-session=beta");
    expect(seen.headers["x-forwarded-host"]).toBe(`beta.${DOMAIN}`);
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-forwarded-for"]).toMatch(/127\.0\.0\.1/);
    expect(seen.headers["x-custom"]).toBe("kept");
    // The dev server sees its own host (dev servers check Host).
    expect(seen.headers.host).toBe(new URL(betaWeb.url).host);
  });

  it("routes by linkup-destination without re-applying rewrites (the worker already did)", async () => {
    const res = await viaProxy(server.proxyUrl, "alpha", "/api/users", { headers: { "linkup-destination": "api" } });
    expect(res.body).toBe("alpha-api /api/users");
    expect(alphaApi.seen.at(-1)!.headers["linkup-destination"]).toBeUndefined();
  });

  it("keeps an existing tracestate, putting the session first", async () => {
    await viaProxy(server.proxyUrl, "beta", "/", { headers: { tracestate: "vendor=1", traceparent: "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01" } });
    const seen = betaWeb.seen.at(-1)!;
    expect(seen.headers.tracestate).toBe("linkup-session=beta,vendor=1");
    expect(seen.headers.traceparent).toBe("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");
  });

  it("sets no-store and CORS on responses", async () => {
    const res = await viaProxy(server.proxyUrl, "beta", "/");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("rewrites a redirect to the upstream's origin back to the session's origin", async () => {
    const res = await viaProxy(server.proxyUrl, "redir", "/account");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://redir.${DOMAIN}/login?next=%2Faccount`);
  });
});

describe("the no-setup alias <session>.<domain>.localhost", () => {
  const port = () => new URL(server.proxyUrl).port;
  it("routes like the real host, telling the app the real host", async () => {
    const res = await request(`${server.proxyUrl}/api/users?id=7`, { headers: { host: `alpha.${DOMAIN}.localhost:${port()}` } });
    expect(res.body).toBe("alpha-api /users?id=7");
    expect(alphaApi.seen.at(-1)!.headers["x-forwarded-host"]).toBe(`alpha.${DOMAIN}:${port()}`);
  });

  it("sends redirects to the upstream or to the real session origin back to the alias", async () => {
    const host = `redir.${DOMAIN}.localhost:${port()}`;
    const own = await request(`${server.proxyUrl}/account`, { headers: { host } });
    expect(own.headers.location).toBe(`http://${host}/login?next=%2Faccount`);
    const app = await request(`${server.proxyUrl}/app-redirect`, { headers: { host } });
    expect(app.headers.location).toBe(`http://${host}/welcome`);
  });

  it("the 422 text shows the URL form of this listener", async () => {
    const res = await request(`${server.proxyUrl}/`, { headers: { host: `${DOMAIN}.localhost:${port()}` } });
    expect(res.status).toBe(422);
    expect(res.body).toContain(`Open the site at http://<session>.${DOMAIN}.localhost:${port()}/`);
  });
});

describe("upstream down", () => {
  it("answers 502 naming the service and the URL it tried, then keeps serving", async () => {
    const res = await viaProxy(server.proxyUrl, "down", "/dashboard?secret=1");
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain('service "web"');
    expect(res.body).toContain(`${downUrl}/dashboard`);
    expect(res.body).not.toContain("secret=1");
    const next = await viaProxy(server.proxyUrl, "beta", "/still-up");
    expect(next.body).toBe("beta-web /still-up");
  });

  it("answers an HTML page to a browser", async () => {
    const res = await viaProxy(server.proxyUrl, "down", "/", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("<!doctype html>");
    expect(res.body).toContain("service &#34;web&#34;");
  });
});

describe("GET /linkup/check: liveness without a token on every local listener", () => {
  it("the proxy answers on any host, even a session's, without routing", async () => {
    for (const host of ["127.0.0.1", `alpha.${DOMAIN}`, "unknown.example.org"]) {
      const res = await request(`${server.proxyUrl}/linkup/check`, { headers: { host } });
      expect(res.status, host).toBe(200);
      const body = JSON.parse(res.body);
      expect(body).toEqual({
        linkup: true,
        role: "local-proxy",
        version: expect.any(String),
        api_version: API_VERSION,
        state_id: stateDirId(dir),
        admin_port: Number(new URL(server.adminUrl).port),
      });
      expect(res.body).not.toContain(TEST_TOKEN);
      expect(res.body).not.toContain(dir);
    }
    expect(alphaWeb.seen.some((r) => r.url.startsWith("/linkup/check"))).toBe(false);
    const post = await request(`${server.proxyUrl}/linkup/check`, { method: "POST", headers: { host: `alpha.${DOMAIN}` }, body: "x" });
    expect(post.status).toBe(405);
    const longer = await viaProxy(server.proxyUrl, "alpha", "/linkup/checkout");
    expect(longer.body).toBe("alpha-web /linkup/checkout");
  });

  it("the admin listener answers without a token (Host still checked) and adds the state directory", async () => {
    const port = new URL(server.adminUrl).port;
    const res = await request(`${server.adminUrl}/linkup/check`, { headers: { host: `127.0.0.1:${port}` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ linkup: true, role: "local-admin", state_id: stateDirId(dir), state_dir: dir });
    expect(res.body).not.toContain(TEST_TOKEN);
    const rebinding = await request(`${server.adminUrl}/linkup/check`, { headers: { host: "evil.example" } });
    expect(rebinding.status).toBe(403);
  });
});

describe("a route regex bomb costs the local proxy no more than any other request", () => {
  it("routes /r/aaaa…! against ^/r/(a+)+$ at once, and serves another session meanwhile", async () => {
    const bombSpec = spec(alphaWeb.url, alphaApi.url);
    bombSpec.domains[0]!.routes = [{ path: "^/r/(a+)+$", service: "api" }];
    await putSession(server.adminUrl, "bomb", bombSpec);
    const path = "/r/" + "a".repeat(60) + "!";
    const [bomb, other] = await Promise.all([viaProxy(server.proxyUrl, "bomb", path), viaProxy(server.proxyUrl, "beta", "/after")]);
    expect(bomb.body).toBe(`alpha-web ${path}`);
    expect(other.body).toBe("beta-web /after");
    expect((await viaProxy(server.proxyUrl, "bomb", "/r/aaa")).body).toBe("alpha-api /r/aaa");
  }, 15_000);
});

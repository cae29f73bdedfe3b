// Proxying on the real bundle with real local upstreams: every session-resolution source end to
// end, the 422/404/502 texts, forwarding and tracing headers, the tunnel hop for `local`
// services, cache-control and CORS rules, redirect Location rewriting, repeated Set-Cookie, and
// the session cache seeing API writes at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { API_VERSION, LINKUP_VERSION } from "../../src/core/api.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

let w: WorkerHarness;
let web: Upstream;
let api: Upstream;
let tunnel: Upstream;
let other: Upstream;
let special: Upstream;

/** A port nothing listens on: bind, read the port, close. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  web = await startUpstream();
  api = await startUpstream();
  other = await startUpstream();
  tunnel = await startUpstream();
  special = await startUpstream((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/redirect-self")) {
      res.writeHead(302, { location: `${special.origin}/login?next=%2Fhome#top` });
      return res.end();
    }
    if (url.startsWith("/redirect-away")) {
      res.writeHead(301, { location: "https://accounts.example.org/login" });
      return res.end();
    }
    if (url.startsWith("/redirect-app")) {
      // An app building its redirect from the host Linkup told it.
      res.writeHead(302, { location: `http://${req.headers["x-forwarded-host"]}/welcome` });
      return res.end();
    }
    if (url.startsWith("/redirect-relative")) {
      res.writeHead(303, { location: "/relative/path" });
      return res.end();
    }
    if (url.startsWith("/cookies")) {
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure"]);
      return res.end("cookies");
    }
    if (url.startsWith("/own-cors")) {
      res.setHeader("access-control-allow-origin", "https://app.example.com");
      return res.end("own cors");
    }
    res.setHeader("cache-control", "public, max-age=600");
    res.end("cached? " + url);
  });
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: tunnel.url } });
  const put = async (name: string, spec: unknown) => {
    const res = await w.api("PUT", `/sessions/${name}`, { body: { spec } });
    expect(res.status, res.text).toBe(201);
  };
  await put(
    "smart-snake",
    specOf(
      [
        { name: "web", route: "remote", remote: `${web.url}/web-base` },
        { name: "api", route: "remote", remote: api.url, rewrites: [{ source: "^/api/", target: "/v2/" }] },
      ],
      { routes: [{ path: "^/api/", service: "api" }] },
    ),
  );
  await put(
    "special-one",
    specOf([{ name: "special", route: "remote", remote: special.url }], { cache_routes: ["^/static/"] }),
  );
  await put("dead-one", specOf([{ name: "billing", route: "remote", remote: `http://127.0.0.1:${await deadPort()}/secret-base?key=hunter2` }]));
  await put("local-one", specOf([
    { name: "web", route: "local", local: "http://localhost:3000" },
    { name: "api", route: "local", local: "http://localhost:4000", rewrites: [{ source: "^/api/", target: "/" }] },
  ], { routes: [{ path: "^/api/", service: "api" }] }));
  await put("no-tunnel-one", specOf([{ name: "frontend", route: "local", local: "http://localhost:3000" }]));
  expect((await w.api("POST", "/sessions/local-one/tunnel")).status).toBe(200);
});

afterAll(async () => {
  await w?.close();
  await Promise.all([web, api, other, tunnel, special].map((u) => u?.close()));
});

describe("session resolution, end to end", () => {
  const sources: [string, { host: string; headers?: Record<string, string> }][] = [
    ["host", { host: "smart-snake.example.com" }],
    ["x-forwarded-host", { host: "127.0.0.1", headers: { "x-forwarded-host": "smart-snake.example.com" } }],
    ["referer", { host: "www.example.com", headers: { referer: "https://smart-snake.example.com/page?x=1" } }],
    ["origin", { host: "www.example.com", headers: { origin: "https://smart-snake.example.com" } }],
    ["tracestate", { host: "www.example.com", headers: { tracestate: "vendor=abc,linkup-session=smart-snake" } }],
    ["baggage", { host: "www.example.com", headers: { baggage: "userId=alice,linkup-session=smart-snake" } }],
    // A server-to-server call addressed to an IP: the domain comes from the Referer.
    ["baggage on an IP, domain from Referer", { host: "127.0.0.1", headers: { baggage: "linkup-session=smart-snake", referer: "https://www.example.com/" } }],
  ];
  for (const [source, req] of sources)
    it(`finds the session from ${source}`, async () => {
      const res = await w.send({ ...req, path: "/page?q=1" });
      expect(res.status, res.text).toBe(200);
      const seen = JSON.parse(res.text);
      expect(seen.url).toBe("/web-base/page?q=1");
      expect(seen.headers.tracestate.startsWith("linkup-session=smart-snake")).toBe(true);
      expect(seen.headers.baggage).toMatch(/(^|,)linkup-session=smart-snake(,|$)/);
      expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(seen.headers.host).toBe(new URL(web.url).host);
      expect(seen.headers["linkup-destination"]).toBeUndefined();
    });

  it("routes by path regex and applies the service's rewrites", async () => {
    const res = await w.send({ host: "smart-snake.example.com", path: "/api/users?page=2", method: "POST", body: "hello", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.text);
    expect(seen.url).toBe("/v2/users?page=2");
    expect(seen.method).toBe("POST");
    expect(seen.headers["x-forwarded-host"]).toBe("smart-snake.example.com");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
  });

  it("keeps an incoming traceparent and moves linkup-session to the front of tracestate", async () => {
    const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const res = await w.send({ host: "smart-snake.example.com", headers: { traceparent: tp, tracestate: "rojo=00f067aa0ba902b7" } });
    const seen = JSON.parse(res.text);
    expect(seen.headers.traceparent).toBe(tp);
    expect(seen.headers.tracestate).toBe("linkup-session=smart-snake,rojo=00f067aa0ba902b7");
  });

  it("adds linkup-session to an existing baggage, keeping the other members", async () => {
    const res = await w.send({ host: "smart-snake.example.com", headers: { baggage: "userId=alice,isProduction=false" } });
    const seen = JSON.parse(res.text);
    expect(seen.headers.baggage).toBe("linkup-session=smart-snake,userId=alice,isProduction=false");
  });
});

describe("routing failures", () => {
  it("422 when nothing names a session", async () => {
    const res = await w.send({ host: "127.0.0.1", path: "/" });
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.text).toContain("could not tell which session");
    expect(res.text).toContain("Linkup worker");
  });

  it("422 naming the candidates tried when none exists", async () => {
    const res = await w.send({ host: "gone-session.example.com", headers: { referer: "https://old-one.example.com/" } });
    expect(res.status).toBe(422);
    expect(res.text).toContain("gone-session (from host)");
    expect(res.text).toContain("old-one (from referer)");
  });

  it("422 when tracestate names a session that does not exist", async () => {
    const res = await w.send({ host: "127.0.0.1", headers: { tracestate: "linkup-session=ghost" } });
    expect(res.status).toBe(422);
    expect(res.text).toContain('"ghost" does not exist');
  });

  it("404 when the session has no service for the host", async () => {
    const res = await w.send({ host: "smart-snake.unknown.org" });
    expect(res.status).toBe(404);
    expect(res.text).toContain("no service for this request");
  });

  it("422 when a local service's session has no tunnel", async () => {
    const res = await w.send({ host: "no-tunnel-one.example.com" });
    expect(res.status).toBe(422);
    expect(res.text).toContain('"frontend"');
    expect(res.text).toContain("no tunnel");
  });

  it("502 naming the service and the upstream origin only when the upstream is down", async () => {
    const res = await w.send({ host: "dead-one.example.com", path: "/invoices" });
    expect(res.status).toBe(502);
    expect(res.text).toContain('"billing"');
    expect(res.text).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(res.text).not.toContain("secret-base");
    expect(res.text).not.toContain("hunter2");
  });
});

describe("local services go through the tunnel", () => {
  it("sends linkup-destination and x-forwarded-host, with the rewritten path, to the tunnel URL", async () => {
    const res = await w.send({ host: "local-one.example.com", path: "/api/orders?x=1" });
    expect(res.status, res.text).toBe(200);
    const seen = tunnel.seen.at(-1)!;
    expect(seen.url).toBe("/orders?x=1");
    expect(seen.headers["linkup-destination"]).toBe("api");
    expect(seen.headers["x-forwarded-host"]).toBe("local-one.example.com");
  });

  it("drops a client-supplied linkup-destination for remote services", async () => {
    const res = await w.send({ host: "smart-snake.example.com", headers: { "linkup-destination": "api" } });
    expect(JSON.parse(res.text).headers["linkup-destination"]).toBeUndefined();
  });
});

describe("response header rules", () => {
  it("no-store unless the path matches cache_routes", async () => {
    const plain = await w.send({ host: "special-one.example.com", path: "/page" });
    expect(plain.headers["cache-control"]).toBe("no-store");
    const cached = await w.send({ host: "special-one.example.com", path: "/static/app.js" });
    expect(cached.headers["cache-control"]).toBe("public, max-age=600");
  });

  it("adds permissive CORS headers unless the upstream speaks CORS itself", async () => {
    const plain = await w.send({ host: "special-one.example.com", path: "/page" });
    expect(plain.headers["access-control-allow-origin"]).toBe("*");
    const own = await w.send({ host: "special-one.example.com", path: "/own-cors" });
    expect(own.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(own.headers["access-control-allow-methods"]).toBeUndefined();
  });

  it("rewrites a redirect to the upstream's own origin back to the session origin, leaving others alone", async () => {
    const self = await w.send({ host: "special-one.example.com", path: "/redirect-self" });
    expect(self.status).toBe(302);
    expect(self.headers.location).toBe("http://special-one.example.com/login?next=%2Fhome#top");
    const away = await w.send({ host: "special-one.example.com", path: "/redirect-away" });
    expect(away.status).toBe(301);
    expect(away.headers.location).toBe("https://accounts.example.org/login");
    const relative = await w.send({ host: "special-one.example.com", path: "/redirect-relative" });
    expect(relative.status).toBe(303);
    expect(relative.headers.location).toBe("/relative/path");
  });

  it("keeps every Set-Cookie header", async () => {
    const res = await w.send({ host: "special-one.example.com", path: "/cookies" });
    const cookies = res.rawHeaders.filter((_, i) => i % 2 === 0 && res.rawHeaders[i]!.toLowerCase() === "set-cookie").length;
    expect(cookies).toBe(3);
    expect(res.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure"]);
  });
});

describe("the session cache follows API writes in this isolate", () => {
  it("a replaced session routes to its new upstream on the very next request", async () => {
    const first = specOf([{ name: "web", route: "remote", remote: `${web.url}/first` }]);
    const second = specOf([{ name: "web", route: "remote", remote: `${other.url}/second` }]);
    expect((await w.api("PUT", "/sessions/cache-swap", { body: { spec: first } })).status).toBe(201);
    expect(JSON.parse((await w.send({ host: "cache-swap.example.com", path: "/x" })).text).url).toBe("/first/x");
    expect((await w.api("PUT", "/sessions/cache-swap", { body: { spec: second } })).status).toBe(200);
    expect(JSON.parse((await w.send({ host: "cache-swap.example.com", path: "/x" })).text).url).toBe("/second/x");
  });

  it("a cached miss is forgotten when the session is created, and a deleted session stops routing at once", async () => {
    expect((await w.send({ host: "cache-late.example.com" })).status).toBe(422);
    const spec = specOf([{ name: "web", route: "remote", remote: web.url }]);
    expect((await w.api("PUT", "/sessions/cache-late", { body: { spec } })).status).toBe(201);
    expect((await w.send({ host: "cache-late.example.com" })).status).toBe(200);
    expect((await w.api("DELETE", "/sessions/cache-late")).status).toBe(204);
    expect((await w.send({ host: "cache-late.example.com" })).status).toBe(422);
  });
});

describe("the no-setup alias <session>.<domain>.localhost", () => {
  it("routes like the real host and tells the app the real host", async () => {
    const res = await w.send({ host: "smart-snake.example.com.localhost:8787", path: "/api/users" });
    expect(res.status, res.text).toBe(200);
    const seen = JSON.parse(res.text);
    expect(seen.url).toBe("/v2/users");
    expect(seen.headers["x-forwarded-host"]).toBe("smart-snake.example.com:8787");
    expect(seen.headers.tracestate).toMatch(/^linkup-session=smart-snake/);
  });

  it("attributes a page's call to another domain's alias by the alias Referer", async () => {
    const res = await w.send({ host: "www.example.com.localhost:8787", path: "/x", headers: { referer: "http://smart-snake.example.com.localhost:8787/" } });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).headers["x-forwarded-host"]).toBe("www.example.com:8787");
  });

  it("maps redirects to the real session origin back to the alias, so they open", async () => {
    const app = await w.send({ host: "special-one.example.com.localhost:8787", path: "/redirect-app" });
    expect(app.status).toBe(302);
    expect(app.headers.location).toBe("http://special-one.example.com.localhost:8787/welcome");
    const self = await w.send({ host: "special-one.example.com.localhost:8787", path: "/redirect-self" });
    expect(self.headers.location).toBe("http://special-one.example.com.localhost:8787/login?next=%2Fhome#top");
    const away = await w.send({ host: "special-one.example.com.localhost:8787", path: "/redirect-away" });
    expect(away.headers.location).toBe("https://accounts.example.org/login");
  });

  it("sends the real host down the tunnel", async () => {
    const res = await w.send({ host: "local-one.example.com.localhost:8787", path: "/api/orders" });
    expect(res.status, res.text).toBe(200);
    expect(tunnel.seen.at(-1)!.headers["x-forwarded-host"]).toBe("local-one.example.com:8787");
  });

  it("the 422 page shows the URL form of the listener the client used, never https on plain HTTP", async () => {
    const res = await w.send({ host: "example.com.localhost:8787", path: "/" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("Open the site at http://<session>.example.com.localhost:8787/");
    expect(res.text).not.toContain("https://");
    // The page a browser gets shows the same working form (and still no session name).
    const page = await w.send({ host: "nobody.example.com.localhost:8787", path: "/", headers: { accept: "text/html" } });
    expect(page.status).toBe(422);
    expect(page.text).toContain("<code>http://&#60;session&#62;.example.com.localhost:8787/</code>");
    expect(page.text).not.toContain("https://");
    expect(page.text).not.toContain("nobody");
  });
});

describe("GET /linkup/check: liveness without a token, on every host", () => {
  it("answers as the worker on its own host and on a session host, without routing", async () => {
    for (const host of ["127.0.0.1", "smart-snake.example.com", "www.example.com"]) {
      const res = await w.send({ host, path: "/linkup/check", headers: { tracestate: "linkup-session=smart-snake" } });
      expect(res.status, host).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ linkup: true, role: "worker", version: LINKUP_VERSION, api_version: API_VERSION, state_id: null });
      // Nothing secret: no token, no session data.
      expect(res.text).not.toContain(w.token);
      expect(Object.keys(body).sort()).toEqual(["api_version", "linkup", "role", "state_id", "version"]);
    }
    const query = await w.send({ host: "smart-snake.example.com", path: "/linkup/check?probe=1" });
    expect(JSON.parse(query.text).linkup).toBe(true);
  });

  it("reserves only the exact path: other methods get 405, longer paths are proxied", async () => {
    const post = await w.send({ host: "smart-snake.example.com", path: "/linkup/check", method: "POST", body: "x" });
    expect(post.status).toBe(405);
    for (const path of ["/linkup/checkout", "/linkup/check/deeper"]) {
      const res = await w.send({ host: "smart-snake.example.com", path });
      expect(res.status, path).toBe(200);
      expect(JSON.parse(res.text).url).toBe(`/web-base${path}`);
    }
  });
});

describe("a route regex bomb costs the worker no more than any other request", () => {
  it("routes /r/aaaa…! against ^/r/(a+)+$ at once, and the worker keeps answering", async () => {
    const put = await w.api("PUT", "/sessions/bomb-one", {
      body: { spec: specOf([{ name: "web", route: "remote", remote: web.url }, { name: "api", route: "remote", remote: api.url }], { routes: [{ path: "^/r/(a+)+$", service: "api" }] }) },
    });
    expect(put.status, put.text).toBe(201);
    // 60 characters: a backtracking engine would need longer than any test timeout for this one.
    const path = "/r/" + "a".repeat(60) + "!";
    const [bomb, other] = await Promise.all([
      w.send({ host: "bomb-one.example.com", path }),
      w.send({ host: "bomb-one.example.com", path: "/r/aaa" }),
    ]);
    expect(bomb.status).toBe(200);
    expect(JSON.parse(bomb.text).url).toBe(path);
    expect(other.status).toBe(200);
    expect(web.seen.some((r) => r.url === path)).toBe(true);
    expect(api.seen.some((r) => r.url === "/r/aaa")).toBe(true);
  }, 15_000);
});

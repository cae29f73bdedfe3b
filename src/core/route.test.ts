import { describe, expect, it } from "vitest";
import { resolveSession, resolveSessionSync, sessionCandidates, sessionLabelOf } from "./resolve-session.js";
import { compileSession, selectTarget, type CompiledSession } from "./route.js";
import { describeFailure, sessionUrlPattern } from "./outcome.js";
import { withoutLocalhostSuffix } from "./request.js";
import { exampleSpec, record, req } from "./test-fixtures.js";

const sessions = new Map<string, CompiledSession>([["smart-snake", compileSession(record("smart-snake"), "local")]]);
const lookup = (n: string) => sessions.get(n);

function route(url: string, headers: Record<string, string> = {}) {
  const r = req(url, headers);
  const res = resolveSessionSync(r, lookup);
  if (res.kind !== "found") return res;
  return selectTarget(res.session, r);
}

describe("the Foundation example", () => {
  it("smart-snake.example.com/ goes to frontend", () => {
    const t = route("https://smart-snake.example.com/");
    expect(t).toMatchObject({ kind: "routed", url: "https://frontend.remote.test/" });
    expect(t.kind === "routed" && t.service.name).toBe("frontend");
  });
  it("smart-snake.example.com/auth/login goes to auth", () => {
    const t = route("https://smart-snake.example.com/auth/login");
    expect(t.kind === "routed" && t.service.name).toBe("auth");
    expect(t).toMatchObject({ url: "http://127.0.0.1:4003/auth/login" });
  });
  it("api.example.com/ with no header has no session (422)", () => {
    const t = route("https://api.example.com/");
    expect(t.kind).toBe("no-session");
    expect(describeFailure(t as never, "worker").status).toBe(422);
  });
  it("api.example.com/ with Referer from the session goes to api", () => {
    const t = route("https://api.example.com/", { Referer: "https://smart-snake.example.com/page" });
    expect(t.kind === "routed" && t.service.name).toBe("api");
  });
  it("api.example.com/ with tracestate goes to api", () => {
    const t = route("https://api.example.com/", { tracestate: "linkup-session=smart-snake" });
    expect(t.kind === "routed" && t.service.name).toBe("api");
  });
});

describe("session resolution order", () => {
  it("tries host, x-forwarded-host, referer, origin, tracestate in that order", () => {
    const c = sessionCandidates(
      req("https://a-one.example.com/", {
        "x-forwarded-host": "b-two.example.com",
        referer: "https://c-three.example.com/x",
        origin: "https://d-four.example.com",
        tracestate: "vendor=1,linkup-session=e-five",
      }),
    );
    expect(c.map((x) => `${x.source}:${x.name}`)).toEqual([
      "host:a-one",
      "x-forwarded-host:b-two",
      "referer:c-three",
      "origin:d-four",
      "tracestate:e-five",
    ]);
  });
  it("the first candidate that exists wins", () => {
    const r = resolveSessionSync(
      req("https://nope.example.com/", { origin: "https://smart-snake.example.com", tracestate: "linkup-session=other" }),
      lookup,
    );
    expect(r).toMatchObject({ kind: "found", name: "smart-snake", source: "origin" });
  });
  it.each([
    ["x-forwarded-host", { "x-forwarded-host": "smart-snake.example.com" }],
    ["referer", { referer: "http://smart-snake.example.com:8787/p?q=1" }],
    ["origin", { origin: "https://smart-snake.example.com" }],
    ["tracestate", { tracestate: "other=1, linkup-session=smart-snake " }],
  ])("finds the session from %s alone", (source, headers) => {
    const r = resolveSessionSync(req("http://127.0.0.1:8790/", headers), lookup);
    expect(r).toMatchObject({ kind: "found", source });
  });
  it("ignores IP addresses, two-label hosts and non-DNS labels", () => {
    expect(sessionLabelOf("127.0.0.1:8787")).toBeUndefined();
    expect(sessionLabelOf("example.com")).toBeUndefined();
    expect(sessionLabelOf("Smart_Snake.example.com")).toBeUndefined();
    expect(sessionLabelOf("SLIM-GECKO.Example.com:443")).toBe("slim-gecko");
    expect(sessionLabelOf("[::1]:80")).toBeUndefined();
  });
  it("an explicit tracestate name that does not exist is an unknown session", () => {
    const r = resolveSessionSync(req("https://api.example.com/", { tracestate: "linkup-session=ghost-cat" }), lookup);
    expect(r).toMatchObject({ kind: "unknown-session", name: "ghost-cat" });
    expect(describeFailure(r as never, "local server")).toMatchObject({ status: 422 });
  });
  it("the async variant agrees with the sync one", async () => {
    const r = await resolveSession(req("https://smart-snake.example.com/"), async (n) => lookup(n));
    expect(r).toMatchObject({ kind: "found", name: "smart-snake", source: "host" });
  });
});

describe("target selection", () => {
  const spec = {
    ...exampleSpec,
    domains: [
      { domain: "example.com", default_service: "frontend", routes: [{ path: "^/auth", service: "auth" }, { path: "^/a", service: "api" }] },
      { domain: "api.example.com", default_service: "api", routes: [] },
      { domain: "ghost.example.com", default_service: "ghost", routes: [] },
    ],
  };
  const s = compileSession(record("smart-snake", spec), "local");
  it("matches the longest domain", () => {
    const t = selectTarget(s, req("https://smart-snake.api.example.com/x"));
    expect(t.kind === "routed" && t.service.name).toBe("api");
  });
  it("takes the first matching path route", () => {
    const t = selectTarget(s, req("https://smart-snake.example.com/auth"));
    expect(t.kind === "routed" && t.service.name).toBe("auth");
  });
  it("ignores the port when matching domains", () => {
    const t = selectTarget(s, req("http://smart-snake.example.com:8787/"));
    expect(t.kind === "routed" && t.service.name).toBe("frontend");
  });
  it("falls back to x-forwarded-host when the host is an address", () => {
    const t = selectTarget(s, req("http://127.0.0.1:8790/", { "x-forwarded-host": "smart-snake.api.example.com" }));
    expect(t.kind === "routed" && t.service.name).toBe("api");
  });
  it("no domain or unknown service is no-target (404)", () => {
    const a = selectTarget(s, req("https://smart-snake.other.org/"));
    expect(a.kind).toBe("no-target");
    const b = selectTarget(s, req("https://smart-snake.ghost.example.com/"));
    expect(b.kind).toBe("no-target");
    expect(describeFailure(b as never, "worker").status).toBe(404);
  });
  it("marks cache_routes paths cacheable", () => {
    expect(selectTarget(s, req("https://smart-snake.example.com/static/app.js"))).toMatchObject({ cacheable: true });
    expect(selectTarget(s, req("https://smart-snake.example.com/"))).toMatchObject({ cacheable: false });
  });
  it("the edge sends local services through the tunnel, or reports no tunnel", () => {
    const edge = compileSession(record("smart-snake"), "edge");
    expect(selectTarget(edge, req("https://smart-snake.example.com/auth/x"))).toEqual({ kind: "no-tunnel", service: "auth" });
    const tunneled = compileSession(record("smart-snake", exampleSpec, { tunnel_url: "http://127.0.0.1:8790" }), "edge");
    expect(selectTarget(tunneled, req("https://smart-snake.example.com/auth/x"))).toMatchObject({
      kind: "routed",
      url: "http://127.0.0.1:8790/auth/x",
      viaTunnel: true,
    });
  });
  it("the local hop follows linkup-destination without re-routing", () => {
    const t = selectTarget(s, req("http://127.0.0.1:8790/auth/x", { "x-forwarded-host": "smart-snake.example.com", "linkup-destination": "api" }));
    expect(t).toMatchObject({ kind: "routed", url: "https://api.remote.test/auth/x" });
  });
  it("URL overrides win over local and remote, keeping their base path", () => {
    const over = {
      ...exampleSpec,
      services: exampleSpec.services.map((x) => (x.name === "frontend" ? { ...x, route: "https://pr-1.preview.test/base/" } : x)),
    };
    const t = selectTarget(compileSession(record("smart-snake", over), "edge"), req("https://smart-snake.example.com/p"));
    expect(t).toMatchObject({ kind: "routed", url: "https://pr-1.preview.test/base/p", viaTunnel: false });
  });
});

describe("the no-setup `.localhost` alias", () => {
  const s = compileSession(record("smart-snake"), "local");
  const sessions = new Map([["smart-snake", s]]);
  it("strips only a trailing .localhost, keeping the port", () => {
    expect(withoutLocalhostSuffix("smart-snake.example.com.localhost:8787")).toBe("smart-snake.example.com:8787");
    expect(withoutLocalhostSuffix("Smart-Snake.Example.com.LOCALHOST")).toBe("Smart-Snake.Example.com");
    expect(withoutLocalhostSuffix("smart-snake.example.com.localhost.:80")).toBe("smart-snake.example.com:80");
    expect(withoutLocalhostSuffix("localhost:8787")).toBeUndefined();
    expect(withoutLocalhostSuffix("smart-snake.example.com:8787")).toBeUndefined();
    expect(withoutLocalhostSuffix("example.notlocalhost")).toBeUndefined();
  });
  it("routes <session>.<domain>.localhost like <session>.<domain> and names the real host for the app", () => {
    const view = req("http://smart-snake.example.com.localhost:8787/auth/x");
    const found = resolveSessionSync(view, (n) => sessions.get(n));
    expect(found).toMatchObject({ kind: "found", name: "smart-snake", source: "host" });
    const t = selectTarget(s, view);
    expect(t).toMatchObject({ kind: "routed", url: "http://127.0.0.1:4003/auth/x", appHost: "smart-snake.example.com:8787" });
    const api = selectTarget(s, req("http://api.example.com.localhost:8787/v1", { referer: "http://smart-snake.example.com.localhost:8787/" }));
    expect(api).toMatchObject({ kind: "routed", url: "https://api.remote.test/v1", appHost: "api.example.com:8787" });
  });
  it("leaves the real host alone (no alias, appHost null)", () => {
    expect(selectTarget(s, req("http://smart-snake.example.com:8787/"))).toMatchObject({ kind: "routed", appHost: null });
  });
  it("a configured domain under .localhost matches as itself, not as an alias", () => {
    const spec = { ...exampleSpec, domains: [{ domain: "shop.localhost", default_service: "frontend", routes: [] }] };
    const t = selectTarget(compileSession(record("smart-snake", spec), "local"), req("http://smart-snake.shop.localhost:8790/"));
    expect(t).toMatchObject({ kind: "routed", appHost: null });
  });
  it("an alias of a host outside the session's domains is still no-target", () => {
    expect(selectTarget(s, req("http://smart-snake.other.org.localhost:8787/")).kind).toBe("no-target");
  });
});

describe("the 422 text points at the URL form that reaches a session on that listener", () => {
  const noSession = (url: string, headers: Record<string, string> = {}) => {
    const view = req(url, headers);
    const r = resolveSessionSync(view, () => undefined);
    expect(r.kind).toBe("no-session");
    return describeFailure(r as never, "worker", new URL(url).origin).message;
  };
  it("puts <session> in front of a domain, on the same scheme and port", () => {
    expect(noSession("http://example.test.localhost:8787/")).toContain("Open the site at http://<session>.example.test.localhost:8787/;");
    expect(noSession("https://example.com/")).toContain("Open the site at https://<session>.example.com/;");
  });
  it("replaces a host label that named no session", () => {
    expect(noSession("http://api.example.test.localhost:8787/x")).toContain("http://<session>.example.test.localhost:8787/;");
  });
  it("suggests the .localhost form for an address without a domain", () => {
    expect(noSession("http://127.0.0.1:8787/")).toContain("http://<session>.<domain>.localhost:8787/;");
    expect(noSession("http://localhost:8790/")).toContain("http://<session>.<domain>.localhost:8790/;");
  });
  it("never prints the https form for a plain-HTTP listener, nor a host it cannot trust", () => {
    expect(noSession("http://example.test.localhost:8787/")).not.toContain("https://");
    expect(sessionUrlPattern("http://ex<script>.test", [])).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { resolveSession, resolveSessionSync, sessionCandidates, sessionFromBaggage, sessionLabelOf } from "./resolve-session.js";
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
  it("api.example.com/ with a linkup-session baggage member goes to api", () => {
    const t = route("https://api.example.com/", { baggage: "userId=alice, linkup-session=smart-snake;ttl=3" });
    expect(t.kind === "routed" && t.service.name).toBe("api");
  });
});

// One row per way a request can say which session and which domain it is for, as both hosts see
// it: the URL the request was addressed to, the headers it carried, and where it ends up.
describe("routing table", () => {
  const rows: [string, string, Record<string, string>, string | number][] = [
    ["session host", "https://smart-snake.example.com/", {}, "frontend"],
    ["session host, second domain", "https://smart-snake.api.example.com/", {}, "api"],
    ["x-forwarded-host from the tunnel hop", "http://127.0.0.1:8790/auth/x", { "x-forwarded-host": "smart-snake.example.com" }, "auth"],
    ["Referer names the session, Host the domain", "https://api.example.com/", { referer: "https://smart-snake.example.com/page" }, "api"],
    ["Origin names the session, Host the domain", "https://api.example.com/", { origin: "https://smart-snake.example.com" }, "api"],
    ["tracestate names the session, Host the domain", "https://api.example.com/", { tracestate: "linkup-session=smart-snake" }, "api"],
    ["baggage names the session, Host the domain", "https://api.example.com/", { baggage: "linkup-session=smart-snake" }, "api"],
    // Addressed to an IP (a server-to-server call through the local server): the domain comes from Referer or Origin.
    ["tracestate + Referer URL on an IP", "http://127.0.0.1:8790/auth/x", { tracestate: "linkup-session=smart-snake", referer: "https://example.com/page" }, "auth"],
    ["tracestate + bare Referer on an IP (Mentimeter's test form)", "http://127.0.0.1:8790/", { tracestate: "linkup-session=smart-snake", referer: "example.com" }, "frontend"],
    ["baggage + Origin on localhost", "http://localhost:8790/", { baggage: "linkup-session=smart-snake", origin: "https://api.example.com" }, "api"],
    ["baggage + Referer on the session host of another domain", "http://127.0.0.1/", { baggage: "linkup-session=smart-snake", referer: "https://smart-snake.api.example.com/x" }, "api"],
    ["Host wins over Referer for the domain", "https://api.example.com/", { tracestate: "linkup-session=smart-snake", referer: "https://example.com/" }, "api"],
    ["session but no domain anywhere", "http://127.0.0.1:8790/", { tracestate: "linkup-session=smart-snake" }, 404],
    ["session but a foreign Referer", "http://127.0.0.1:8790/", { tracestate: "linkup-session=smart-snake", referer: "https://other.org/" }, 404],
    ["nothing names a session", "http://127.0.0.1:8790/", { referer: "example.com" }, 422],
    ["baggage names a session that does not exist", "https://api.example.com/", { baggage: "linkup-session=ghost-cat" }, 422],
  ];
  it.each(rows)("%s", (_what, url, headers, expected) => {
    const t = route(url, headers);
    if (typeof expected === "number") expect(describeFailure(t as never, "worker").status).toBe(expected);
    else expect(t.kind === "routed" && t.service.name).toBe(expected);
  });
});

describe("session resolution order", () => {
  it("tries host, x-forwarded-host, referer, origin, tracestate, baggage in that order", () => {
    const c = sessionCandidates(
      req("https://a-one.example.com/", {
        "x-forwarded-host": "b-two.example.com",
        referer: "https://c-three.example.com/x",
        origin: "https://d-four.example.com",
        tracestate: "vendor=1,linkup-session=e-five",
        baggage: "k=v,linkup-session=f-six",
      }),
    );
    expect(c.map((x) => `${x.source}:${x.name}`)).toEqual([
      "host:a-one",
      "x-forwarded-host:b-two",
      "referer:c-three",
      "origin:d-four",
      "tracestate:e-five",
      "baggage:f-six",
    ]);
  });
  it("tracestate wins over baggage when both name existing sessions", () => {
    const both = new Map([...sessions, ["other-one", compileSession(record("other-one"), "local")]]);
    const r = resolveSessionSync(req("https://api.example.com/", { tracestate: "linkup-session=smart-snake", baggage: "linkup-session=other-one" }), (n) =>
      both.get(n),
    );
    expect(r).toMatchObject({ kind: "found", name: "smart-snake", source: "tracestate" });
  });
  it("baggage is used when tracestate names no existing session", () => {
    const r = resolveSessionSync(req("https://api.example.com/", { tracestate: "linkup-session=ghost-cat", baggage: "linkup-session=smart-snake" }), lookup);
    expect(r).toMatchObject({ kind: "found", name: "smart-snake", source: "baggage" });
  });
  it("reads the baggage member with spaces, properties and percent-encoding; ignores invalid names", () => {
    expect(sessionFromBaggage("a=1 , linkup-session = smart-snake ; prop1;p2=x, b=2")).toBe("smart-snake");
    expect(sessionFromBaggage("linkup-session=smart%2Dsnake")).toBe("smart-snake");
    expect(sessionFromBaggage("linkup-session=Smart_Snake")).toBeUndefined();
    expect(sessionFromBaggage("linkup-session=%E0%A4%A")).toBeUndefined();
    expect(sessionFromBaggage("xlinkup-session=smart-snake")).toBeUndefined();
    expect(sessionFromBaggage("")).toBeUndefined();
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
    ["baggage", { baggage: "other=1, linkup-session=smart-snake " }],
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

describe("expired sessions", () => {
  const t = Date.parse("2026-02-01T00:00:00.000Z");
  const live = compileSession(record("live-one", exampleSpec, { expires_at: "2026-02-02T00:00:00.000Z" }), "local");
  const gone = compileSession(record("old-one", exampleSpec, { expires_at: "2026-01-31T00:00:00.000Z" }), "local");
  const all = new Map([
    ["live-one", live],
    ["old-one", gone],
  ]);
  const expiry = { now: t, expiresAt: (s: CompiledSession) => s.expiresAt, tombstone: (n: string) => (n === "removed" ? "2026-01-20T00:00:00.000Z" : undefined) };

  it("a session past its expiry is not routed; the answer is 410 naming it and how to recreate it", () => {
    const r = resolveSessionSync(req("https://old-one.example.com/"), (n) => all.get(n), expiry);
    expect(r).toMatchObject({ kind: "expired-session", name: "old-one", expired_at: "2026-01-31T00:00:00.000Z" });
    const f = describeFailure(r as never, "worker");
    expect(f.status).toBe(410);
    expect(f.message).toContain('"old-one" expired at 2026-01-31T00:00:00.000Z');
    expect(f.message).toContain("linkup sessions create-preview old-one");
    // Without the clock (hosts that do not check), the same lookup routes it.
    expect(resolveSessionSync(req("https://old-one.example.com/"), (n) => all.get(n)).kind).toBe("found");
  });

  it("an expired session counts as absent, so a later candidate may still match", () => {
    const r = resolveSessionSync(req("https://old-one.example.com/", { referer: "https://live-one.example.com/" }), (n) => all.get(n), expiry);
    expect(r).toMatchObject({ kind: "found", name: "live-one" });
  });

  it("a session removed when it expired is remembered (tombstone): 410, not 422", async () => {
    const r = await resolveSession(req("https://removed.example.com/"), async (n) => all.get(n), {
      ...expiry,
      tombstone: async (n: string) => expiry.tombstone(n),
    });
    expect(r).toMatchObject({ kind: "expired-session", name: "removed", expired_at: "2026-01-20T00:00:00.000Z" });
    expect(resolveSessionSync(req("https://never.example.com/"), (n) => all.get(n), expiry).kind).toBe("no-session");
  });
});

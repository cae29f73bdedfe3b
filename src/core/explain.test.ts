// `linkup explain`'s core: one table row per attribution source and per failure kind, the two hops
// of a local service behind the worker, rewrites, the headers Linkup adds, and the hints.
import { describe, expect, it } from "vitest";
import { explainRequest, type ExplainInput, type ExplainOptions } from "./explain.js";
import type { SessionSpec } from "./session.js";
import { exampleSpec, record } from "./test-fixtures.js";

const fixedHex = (n: number) => "a".repeat(n);

/** smart-snake: tunneled, auth local (with a rewrite), the rest remote; on both sides, with a tunnel. */
const spec: SessionSpec = {
  ...exampleSpec,
  services: exampleSpec.services.map((s) => (s.name === "auth" ? { ...s, rewrites: [{ source: "^/auth/", target: "/" }] } : s)),
};
const tunneled = record("smart-snake", spec, { tunnel_url: "http://127.0.0.1:8790" });
const isolated = record("iso-lated", { ...spec, type: "isolated" });
const preview = record("pr-7", { ...spec, type: "preview", services: spec.services.map((s) => ({ ...s, route: "remote" })) });

const expired = record("old-one", spec, { expires_at: "2026-01-01T00:00:00.000Z" });
const NOW = Date.parse("2026-06-01T00:00:00.000Z");

const sessions: ExplainOptions["sessions"] = { worker: [tunneled, preview, expired], local: [tunneled, isolated] };

function input(url: string, headers: Record<string, string> = {}): ExplainInput {
  const u = new URL(url);
  return { method: "GET", host: u.host, path: u.pathname, headers: Object.entries(headers), proto: u.protocol.slice(0, -1) };
}

function run(url: string, headers: Record<string, string> = {}, options: Partial<ExplainOptions> = {}) {
  return explainRequest(input(url, headers), { at: "worker", sessions, randomHex: fixedHex, now: NOW, ...options });
}

describe("explain: each attribution source", () => {
  it.each([
    ["host", "https://smart-snake.example.com/", {}, "smart-snake.example.com"],
    ["x-forwarded-host", "http://127.0.0.1:8787/", { "X-Forwarded-Host": "smart-snake.example.com, proxy.internal" }, "smart-snake.example.com"],
    ["referer", "https://api.example.com/hello", { Referer: "https://smart-snake.example.com/page?token=secret" }, "smart-snake.example.com"],
    ["origin", "https://api.example.com/hello", { Origin: "https://smart-snake.example.com" }, "smart-snake.example.com"],
    ["tracestate", "https://api.example.com/hello", { tracestate: "vendor=1,linkup-session=smart-snake" }, "smart-snake"],
    ["baggage", "https://api.example.com/hello", { baggage: "userId=7,linkup-session=smart-snake;ttl=1" }, "smart-snake"],
  ] as const)("%s names the session", (source, url, headers, value) => {
    const e = run(url, headers);
    const hop = e.hops[0]!;
    expect(hop.session).toBe("smart-snake");
    const chosen = hop.attribution.filter((s) => s.result === "chosen");
    expect(chosen).toEqual([expect.objectContaining({ source, value, name: "smart-snake" })]);
    // The sources before it found nothing; none after it was needed.
    const index = hop.attribution.findIndex((s) => s.result === "chosen");
    expect(hop.attribution.map((s) => s.source)).toEqual(["host", "x-forwarded-host", "referer", "origin", "tracestate", "baggage"]);
    for (const s of hop.attribution.slice(0, index)) expect(["absent", "no-name", "not-a-session"]).toContain(s.result);
    for (const s of hop.attribution.slice(index + 1)) expect(["absent", "not-needed", "no-name"]).toContain(s.result);
    expect(e.hint).toBeNull();
  });

  it("a host label that is no session is passed over for the next source", () => {
    const e = run("https://nobody.example.com/", { Origin: "https://smart-snake.example.com" });
    expect(e.hops[0]!.attribution.slice(0, 4).map((s) => [s.source, s.name, s.result])).toEqual([
      ["host", "nobody", "not-a-session"],
      ["x-forwarded-host", null, "absent"],
      ["referer", null, "absent"],
      ["origin", "smart-snake", "chosen"],
    ]);
  });

  it("the same name twice is tried once", () => {
    const e = run("https://nobody.example.com/", { Referer: "https://nobody.example.com/x" });
    expect(e.hops[0]!.attribution[2]).toMatchObject({ source: "referer", name: "nobody", result: "duplicate" });
  });
});

describe("explain: each failure kind", () => {
  it.each([
    ["no-session", "worker", "https://api.example.com/hello", {}, 422],
    ["unknown-session", "worker", "https://api.example.com/hello", { tracestate: "linkup-session=ghost-cat" }, 422],
    ["expired-session", "worker", "https://old-one.example.com/", {}, 410],
    ["no-target", "worker", "https://smart-snake.other.org/", {}, 404],
    ["no-target", "local", "https://iso-lated.other.org/", {}, 404],
  ] as const)("%s at the %s", (kind, at, url, headers, status) => {
    const e = run(url, headers, { at });
    const hop = e.hops[e.hops.length - 1]!;
    expect(hop.failure).toMatchObject({ kind, status });
    expect(hop.failure!.message).toContain(at === "worker" ? "Linkup worker" : "Linkup local server");
    expect(e.result.status).toBe(status);
    expect(e.hint).not.toBeNull();
  });

  it("no-tunnel: a local service of a live session that has no tunnel", () => {
    const e = run("https://smart-snake.example.com/auth/login", {}, { sessions: { worker: [record("smart-snake", spec)], local: [] } });
    expect(e.hops).toHaveLength(1);
    expect(e.hops[0]!.failure).toMatchObject({ kind: "no-tunnel", status: 422 });
    expect(e.hint).toContain("linkup start");
  });

  it("offline (from the config) the tunnel is assumed and the local hop shown", () => {
    const e = run("https://smart-snake.example.com/auth/login", {}, { offline: true, sessions: { worker: [record("smart-snake", spec)], local: [record("smart-snake", spec)] } });
    expect(e.hops.map((h) => h.at)).toEqual(["worker", "local"]);
    expect(e.hops[0]).toMatchObject({ via_tunnel: true, target_url: null, service: "auth", failure: null });
    expect(e.hops[1]).toMatchObject({ host: "(the session's tunnel)", destination: true, service: "auth", target_url: "http://127.0.0.1:4003/login" });
    // Nothing of the stand-in tunnel URL shows.
    expect(JSON.stringify(e)).not.toContain("linkup-tunnel.invalid");
  });
});

describe("explain: the route, rewrite, target and headers", () => {
  it("a local service goes through the tunnel, then the local server sends it to the local URL", () => {
    const e = run("https://smart-snake.example.com/auth/login");
    const [edge, local] = e.hops;
    expect(edge).toMatchObject({
      at: "worker",
      domain: "example.com",
      route: "/auth.*",
      service: "auth",
      location: "local",
      via_tunnel: true,
      target_url: "http://127.0.0.1:8790/login",
    });
    expect(edge!.rewrites).toEqual([{ source: "^/auth/", target: "/", before: "/auth/login", after: "/login" }]);
    expect(edge!.request_headers).toEqual(
      expect.arrayContaining([
        ["linkup-destination", "auth"],
        ["tracestate", "linkup-session=smart-snake"],
        ["x-forwarded-host", "smart-snake.example.com"],
        ["traceparent", `00-${"a".repeat(32)}-${"a".repeat(16)}-01`],
      ]),
    );
    // The local hop: found again from x-forwarded-host, service from linkup-destination, no second rewrite.
    expect(local).toMatchObject({ at: "local", host: "127.0.0.1:8790", session: "smart-snake", destination: true, rewrites: [], target_url: "http://127.0.0.1:4003/login" });
    expect(local!.attribution.find((s) => s.result === "chosen")).toMatchObject({ source: "x-forwarded-host" });
    expect(e.result).toEqual({ session: "smart-snake", service: "auth", location: "local", target_url: "http://127.0.0.1:4003/login", status: null });
  });

  it("a remote service: the domain's default, and the linkup-route answer header", () => {
    const e = run("https://smart-snake.example.com/");
    expect(e.hops).toHaveLength(1);
    expect(e.hops[0]).toMatchObject({ route: null, service: "frontend", location: "remote", target_url: "https://frontend.remote.test/" });
    expect(e.hops[0]!.response_headers).toContainEqual(["linkup-route", 'session="smart-snake", service="frontend", location=remote']);
  });

  it("at the local server, an isolated session goes straight to the local URL", () => {
    const e = run("http://iso-lated.example.com:8790/auth/x", {}, { at: "local" });
    expect(e.hops).toHaveLength(1);
    expect(e.hops[0]).toMatchObject({ at: "local", session: "iso-lated", session_type: "isolated", target_url: "http://127.0.0.1:4003/x", via_tunnel: false });
  });
});

describe("explain: hints", () => {
  it("no session: which headers would reach the expected one", () => {
    const e = run("https://api.example.com/hello", {}, { expect: "smart-snake" });
    expect(e.hint).toContain("the host smart-snake.api.example.com");
    expect(e.hint).toContain("`Referer: https://smart-snake.api.example.com/`");
    expect(e.hint).not.toContain("Sessions here");
    expect(e.hint).toContain("`tracestate: linkup-session=smart-snake`");
  });

  it("no session without --session: the same ways with a placeholder, and the sessions there are", () => {
    const e = run("https://api.example.com/hello");
    expect(e.hint).toContain("<session>.api.example.com");
    expect(e.hint).toContain("Sessions here: old-one, pr-7, smart-snake");
  });

  it("a session that lives on the other side is named with where to send the request", () => {
    const e = run("https://iso-lated.example.com/");
    expect(e.hops[0]!.failure?.kind).toBe("no-session");
    expect(e.hint).toContain("iso-lated is an isolated session");
  });

  it("reaching another session than expected says which source named it first", () => {
    const e = run("https://pr-7.example.com/", { tracestate: "linkup-session=smart-snake" }, { expect: "smart-snake" });
    expect(e.hops[0]!.session).toBe("pr-7");
    expect(e.hint).toContain("host named pr-7 first");
  });
});

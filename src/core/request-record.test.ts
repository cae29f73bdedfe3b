// Request records: built from the routing results a host already has (a trace of references),
// formatted when read. Each attribution source and failure kind lands in the record, and nothing
// secret does: no query, no full Referer, no credentials in a target.
import { describe, expect, it } from "vitest";
import type { RoutingFailure } from "./outcome.js";
import { asRequestLogLine, recordMatches, requestLogLine, requestRecord, type RequestTrace } from "./request-record.js";
import { resolveSessionSync } from "./resolve-session.js";
import { compileSession, selectTarget, type CompiledSession } from "./route.js";
import type { SessionSpec } from "./session.js";
import { exampleSpec, record, req } from "./test-fixtures.js";

const spec: SessionSpec = {
  ...exampleSpec,
  services: exampleSpec.services.map((s) =>
    s.name === "auth"
      ? { ...s, rewrites: [{ source: "^/auth/", target: "/" }] }
      : s.name === "frontend"
        ? { ...s, route: "https://user:hunter2@preview.test/base" }
        : s,
  ),
};
const sessions = new Map<string, CompiledSession>([["smart-snake", compileSession(record("smart-snake", spec), "local")]]);

/** What a host does: route, keep the results in a trace, set the status. */
function trace(url: string, headers: Record<string, string> = {}, status = 200): RequestTrace {
  const view = req(url, headers);
  const t: RequestTrace = { start: 1_000, method: "GET", host: view.host, path: view.path, resolution: undefined, target: undefined, status, duration: 2.345, failure: undefined };
  t.resolution = resolveSessionSync(view, (n) => sessions.get(n));
  if (t.resolution.kind !== "found") {
    t.failure = t.resolution;
    return t;
  }
  t.target = selectTarget(t.resolution.session, view);
  if (t.target.kind !== "routed") t.failure = t.target;
  return t;
}

const TIME_ORIGIN = Date.UTC(2026, 0, 1);

describe("request records", () => {
  it("carry the decision: session and how, domain, route, rewrite, service, target", () => {
    const r = requestRecord(trace("https://smart-snake.example.com/auth/login?code=abc"), "local", TIME_ORIGIN, 7);
    expect(r).toEqual({
      id: 7,
      time: "2026-01-01T00:00:01.000Z",
      at: "local",
      method: "GET",
      host: "smart-snake.example.com",
      path: "/auth/login",
      session: "smart-snake",
      attribution: { source: "host", value: "smart-snake.example.com" },
      tried: [],
      domain: "example.com",
      route: "/auth.*",
      destination: false,
      rewrites: [{ source: "^/auth/", target: "/" }],
      service: "auth",
      location: "local",
      target: "http://127.0.0.1:4003",
      via_tunnel: false,
      status: 200,
      duration_ms: 2.3,
      failure: null,
    });
  });

  it.each([
    ["x-forwarded-host", { "x-forwarded-host": "smart-snake.example.com" }, "smart-snake.example.com"],
    ["referer", { referer: "https://smart-snake.example.com/page?session_token=s3cret#frag" }, "smart-snake.example.com"],
    ["origin", { origin: "https://smart-snake.example.com" }, "smart-snake.example.com"],
    ["tracestate", { tracestate: "other=x,linkup-session=smart-snake" }, "smart-snake"],
  ])("attribution by %s keeps only the host (or name) it read", (source, headers, value) => {
    const r = requestRecord(trace("https://api.example.com/v1?api_key=s3cret", headers), "local", TIME_ORIGIN);
    expect(r.attribution).toEqual({ source, value });
    expect(JSON.stringify(r)).not.toContain("s3cret");
  });

  it("a URL override's target is its origin, without credentials", () => {
    const r = requestRecord(trace("https://smart-snake.example.com/"), "local", TIME_ORIGIN);
    expect(r).toMatchObject({ service: "frontend", location: "override", target: "https://preview.test" });
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it.each([
    ["no-session", "https://api.example.com/", {}, null],
    ["unknown-session", "https://api.example.com/", { tracestate: "linkup-session=ghost-cat" }, null],
    ["no-target", "https://smart-snake.other.org/", {}, "smart-snake"],
  ] as const)("records the failure %s", (kind, url, headers, session) => {
    const t = trace(url, headers, 422);
    const r = requestRecord(t, "worker", TIME_ORIGIN);
    expect(r.failure?.kind).toBe(kind);
    expect(r.failure?.detail).not.toBe("");
    expect(r.session).toBe(session);
  });

  it("names the names tried when no session was found", () => {
    const r = requestRecord(trace("https://nobody.example.com/", { origin: "https://ghost.example.com" }, 422), "local", TIME_ORIGIN);
    expect(r.tried).toEqual([
      { source: "host", name: "nobody" },
      { source: "origin", name: "ghost" },
    ]);
  });

  it("records an upstream failure (and a kind added later) with its service and detail", () => {
    const t = trace("https://smart-snake.example.com/auth/x", {}, 502);
    const failure: RoutingFailure = { kind: "upstream-failed", service: "auth", origin: "http://127.0.0.1:4003", detail: "connection refused" };
    t.failure = failure;
    expect(requestRecord(t, "local", TIME_ORIGIN).failure).toEqual({ kind: "upstream-failed", detail: "connection refused" });
    t.failure = { kind: "upstream-timeout", detail: "no answer in 30 s" } as unknown as RoutingFailure;
    expect(requestRecord(t, "local", TIME_ORIGIN).failure).toEqual({ kind: "upstream-timeout", detail: "no answer in 30 s" });
  });

  it("the worker's log line is the record, marked, and reads back", () => {
    const line = requestLogLine(trace("https://smart-snake.example.com/"));
    expect(line.linkup).toBe("request");
    expect("id" in line).toBe(false);
    expect(asRequestLogLine(JSON.parse(JSON.stringify(line)))).toEqual(line);
    expect(asRequestLogLine({ level: "log", message: "hello" })).toBeUndefined();
  });

  it("filters by session and service", () => {
    const r = requestRecord(trace("https://smart-snake.example.com/auth/x"), "local", TIME_ORIGIN);
    expect(recordMatches(r, {})).toBe(true);
    expect(recordMatches(r, { session: "smart-snake", service: "auth" })).toBe(true);
    expect(recordMatches(r, { session: "other" })).toBe(false);
    expect(recordMatches(r, { service: "api" })).toBe(false);
  });

  it("clips very long paths when formatting", () => {
    const r = requestRecord(trace("https://smart-snake.example.com/" + "x".repeat(5000)), "local", TIME_ORIGIN);
    expect(r.path.length).toBeLessThan(2100);
  });
});

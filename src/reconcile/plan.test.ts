import { describe, expect, it } from "vitest";
import type { SessionSpec } from "../core/session.js";
import type { ActualSession } from "./actual.js";
import type { DesiredSession } from "./desired.js";
import { plan, sessionChanges, specChanges, summarise } from "./plan.js";

const spec = (over: Partial<SessionSpec> = {}): SessionSpec => ({
  type: "tunneled",
  services: [
    { name: "api", route: "remote", local: "http://127.0.0.1:4000", remote: "https://api.example.com", rewrites: [] },
    { name: "web", route: "local", local: "http://127.0.0.1:3000", remote: "https://web.example.com", rewrites: [] },
  ],
  domains: [{ domain: "example.com", default_service: "web", routes: [] }],
  cache_routes: [],
  ...over,
});
const desired = (name: string, s = spec(), placement: DesiredSession["placement"] = ["local", "worker"]): DesiredSession => ({
  name,
  placement,
  spec: s,
  personal: false,
  owner: null,
});
const actual = (
  name: string,
  placement: "local" | "worker",
  s = spec(),
  managed_by: string | null = "team",
  version = 3,
  owner: string | null = null,
): ActualSession => ({
  name,
  placement,
  spec: s,
  managed_by,
  owner,
  version,
  tunnel_url: null,
});
const opts = { prune: false, identity: "team" };

describe("plan", () => {
  it("creates what is missing, on each placement, local before worker", () => {
    expect(plan([desired("a")], [], opts)).toEqual([
      { kind: "create", name: "a", placement: "local", spec: spec() },
      { kind: "create", name: "a", placement: "worker", spec: spec() },
    ]);
  });

  it("leaves equal specs alone", () => {
    expect(plan([desired("a")], [actual("a", "local"), actual("a", "worker")], opts).map((a) => a.kind)).toEqual(["unchanged", "unchanged"]);
  });

  it("updates with field-level changes and the version to If-Match", () => {
    const live = spec({ services: spec().services.map((s) => (s.name === "web" ? { ...s, route: "remote" } : s)) });
    const [a] = plan([desired("a", spec(), ["local"])], [actual("a", "local", live, "team", 7)], opts);
    expect(a).toMatchObject({ kind: "update", version: 7, changes: [{ path: "services[web].route", from: "remote", to: "local" }] });
  });

  it("claims a session owned by nobody (or someone else) as an update of managed_by", () => {
    const [a] = plan([desired("a", spec(), ["local"])], [actual("a", "local", spec(), null)], opts);
    expect(a).toMatchObject({ kind: "update", changes: [{ path: "managed_by", from: null, to: "team" }] });
  });

  it("deletes only with prune, and only sessions managed by this identity; without prune it lists them", () => {
    const live = [actual("old", "worker"), actual("theirs", "worker", spec(), "other"), actual("manual", "local", spec(), null)];
    expect(plan([], live, opts)).toEqual([{ kind: "undeclared", name: "old", placement: "worker", from: spec() }]);
    expect(plan([], live, { ...opts, prune: true })).toEqual([
      { kind: "delete", name: "old", placement: "worker", from: spec(), version: 3, reason: "pruned" },
    ]);
  });

  it("never prunes or lists a teammate's personal session, but does prune this person's own", () => {
    const live = [
      actual("alice-s", "worker", spec(), "team", 3, "alice"),
      actual("bob-s", "worker", spec(), "team", 3, "bob"),
      actual("shared-old", "worker", spec(), "team", 3, null),
    ];
    const asAlice = { prune: true, identity: "team", owner: "alice" };
    expect(plan([], live, asAlice).map((a) => [a.kind, a.name])).toEqual([
      ["delete", "alice-s"],
      ["delete", "shared-old"],
    ]);
    expect(plan([], live, { ...asAlice, prune: false }).map((a) => [a.kind, a.name])).toEqual([
      ["undeclared", "alice-s"],
      ["undeclared", "shared-old"],
    ]);
    // Acting for nobody (no owner): personal sessions of anyone are left alone.
    expect(plan([], live, { prune: true, identity: "team" }).map((a) => a.name)).toEqual(["shared-old"]);
  });

  it("records the owner: a personal session written without one is an update of owner", () => {
    const d = { ...desired("mine", spec(), ["worker"]), owner: "alice" };
    const [a] = plan([d], [actual("mine", "worker", spec(), "team", 4, null)], { ...opts, owner: "alice" });
    expect(a).toMatchObject({ kind: "update", version: 4, changes: [{ path: "owner", from: null, to: "alice" }] });
    expect(plan([d], [actual("mine", "worker", spec(), "team", 4, "alice")], { ...opts, owner: "alice" })[0]!.kind).toBe("unchanged");
  });

  it("removes a declared session's copy from a side its type no longer uses, even without prune", () => {
    const d = desired("a", spec({ type: "preview" }), ["worker"]);
    const actions = plan([d], [actual("a", "local"), actual("a", "worker")], opts);
    expect(actions.map((a) => [a.kind, a.placement])).toEqual([
      ["delete", "local"],
      ["update", "worker"],
    ]);
  });

  it("with a null identity (imperative commands) never deletes and never claims", () => {
    const live = [actual("a", "local", spec(), null)];
    expect(plan([desired("a", spec(), ["local"])], live, { prune: true, identity: null })).toEqual([{ kind: "unchanged", name: "a", placement: "local" }]);
  });

  it("summarises per session, not per placement", () => {
    const actions = plan([desired("a"), desired("b", spec(), ["worker"])], [actual("b", "worker", spec({ cache_routes: ["x"] })), actual("c", "local")], {
      ...opts,
      prune: true,
    });
    expect(summarise(actions)).toEqual({ create: 1, change: 1, delete: 1, unchanged: 0, undeclared: 0 });
    const kept = plan([], [actual("c", "local"), actual("c", "worker")], opts);
    expect(summarise(kept)).toEqual({ create: 0, change: 0, delete: 0, unchanged: 0, undeclared: 1 });
  });
});

describe("specChanges", () => {
  it("matches services and domains by name", () => {
    const from = spec();
    const to = spec({
      services: [...spec().services.slice(1), { name: "auth", route: "remote", remote: "https://auth.example.com", rewrites: [] }],
      domains: [{ domain: "example.com", default_service: "api", routes: [{ path: "^/x", service: "web" }] }],
    });
    expect(specChanges(from, to).map((c) => c.path)).toEqual([
      "services[auth]",
      "services[api]",
      "domains[example.com].default_service",
      "domains[example.com].routes",
    ]);
  });

  it("sees a reordering of domains", () => {
    const two = [
      { domain: "a.com", default_service: "web", routes: [] },
      { domain: "b.com", default_service: "web", routes: [] },
    ];
    expect(specChanges(spec({ domains: two }), spec({ domains: [...two].reverse() })).map((c) => c.path)).toEqual(["domains"]);
  });

  it("sees a changed service timeout, and a spec without timeouts as unchanged", () => {
    const slow = spec();
    slow.services = slow.services.map((svc) => (svc.name === "api" ? { ...svc, timeouts: { headers: 600 } } : svc));
    expect(specChanges(spec(), slow)).toEqual([{ path: "services[api].timeouts", from: undefined, to: { headers: 600 } }]);
    expect(specChanges(spec(), spec())).toEqual([]);
  });
});

describe("sessionChanges", () => {
  it("merges a session's actions across sides, field changes once, unchanged sessions left out", () => {
    const change = { path: "services[web].route", from: "local", to: "remote" };
    expect(
      sessionChanges([
        { kind: "update", name: "a", placement: "local", from: spec(), spec: spec(), version: 1, changes: [change] },
        { kind: "update", name: "a", placement: "worker", from: spec(), spec: spec(), version: 3, changes: [change] },
        { kind: "create", name: "b", placement: "worker", spec: spec() },
        { kind: "unchanged", name: "c", placement: "local" },
      ]),
    ).toEqual([
      { name: "a", kind: "update", placements: ["local", "worker"], changes: [change] },
      { name: "b", kind: "create", placements: ["worker"], changes: [] },
    ]);
  });
});

describe("renewal of expiring sessions", () => {
  const DAY = 86_400_000;
  const now = Date.parse("2026-03-10T00:00:00.000Z");
  const preview = spec({ type: "preview" });
  const live = (expires_at: string | null): ActualSession => ({ ...actual("p", "worker", preview), expires_at });
  const want = [desired("p", preview, ["worker"])];
  const iso = (ms: number) => new Date(ms).toISOString();

  it("apply (renew) writes a session with less than half its ttl left, not one written recently", () => {
    expect(plan(want, [live(iso(now + 6 * DAY))], { ...opts, now, renew: true })[0]!.kind).toBe("unchanged");
    const [a] = plan(want, [live(iso(now + 3 * DAY))], { ...opts, now, renew: true });
    expect(a).toMatchObject({ kind: "update", version: 3, changes: [{ path: "expires_at", from: iso(now + 3 * DAY), to: "renewed" }] });
    // A preview recorded before expiry existed gets one.
    expect(plan(want, [live(null)], { ...opts, now, renew: true })[0]!.kind).toBe("update");
    // Sessions that never expire are never renewed.
    expect(plan([desired("a", spec(), ["local"])], [actual("a", "local")], { ...opts, now, renew: true })[0]!.kind).toBe("unchanged");
  });

  it("diff (clock, no renew) shows only sessions already expired; without the clock nothing", () => {
    expect(plan(want, [live(iso(now + 3 * DAY))], { ...opts, now })[0]!.kind).toBe("unchanged");
    expect(plan(want, [live(iso(now - DAY))], { ...opts, now })[0]).toMatchObject({ kind: "update", changes: [{ path: "expires_at" }] });
    expect(plan(want, [live(iso(now - DAY))], opts)[0]!.kind).toBe("unchanged");
  });

  it("a ttl change is a spec change", () => {
    expect(specChanges(preview, { ...preview, ttl: "3d" })).toEqual([{ path: "ttl", from: undefined, to: "3d" }]);
  });
});

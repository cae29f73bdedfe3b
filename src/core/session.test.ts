import { describe, expect, it } from "vitest";
import { parseIfMatch, versionProblem } from "./api.js";
import { normaliseConfig } from "./config.js";
import { envRefs, interpolate } from "./interpolate.js";
import { canonicalJson, parsePutBody, previewName, specFromConfig, specHash, validateSpec } from "./session.js";
import { isDnsLabel } from "./session-name.js";
import { exampleSpec, record } from "./test-fixtures.js";
import { planDelete, planPut } from "./versioned-write.js";

describe("specFromConfig", () => {
  const config = normaliseConfig({
    linkup: { cache_routes: ["^/static"] },
    services: [
      { name: "web", local: "http://127.0.0.1:3000", remote: "https://web.test" },
      { name: "api", remote: "https://api.test", rewrites: [{ source: "^/v1", target: "/v2" }] },
    ],
    domains: [{ domain: "example.test", default_service: "web" }],
  });
  it("routes services not named in the session to remote, sorted by name", () => {
    const spec = specFromConfig(config, { type: "tunneled", routes: { web: "local" } });
    expect(spec.services.map((s) => [s.name, s.route])).toEqual([
      ["api", "remote"],
      ["web", "local"],
    ]);
    expect(spec.cache_routes).toEqual(["^/static"]);
    expect(validateSpec(spec)).toEqual([]);
  });
  it("hashes equal specs equally and different specs differently", async () => {
    const a = specFromConfig(config, { type: "tunneled", routes: { web: "local" } });
    const b = specFromConfig(config, { type: "tunneled", routes: { web: "local" } });
    const c = specFromConfig(config, { type: "tunneled", routes: {} });
    expect(await specHash(a)).toBe(await specHash(b));
    expect(await specHash(a)).not.toBe(await specHash(c));
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });
});

describe("API input validation", () => {
  it("accepts a valid body and fills defaults", () => {
    const r = parsePutBody("pr-1", { spec: { ...exampleSpec, cache_routes: undefined } });
    expect(r.ok && r.body.spec.cache_routes).toEqual([]);
    expect(r.ok && r.body.managed_by).toBeNull();
    expect(r.ok && r.body.owner).toBeNull();
  });
  it("keeps a valid owner and refuses one that is not an owner id", () => {
    const r = parsePutBody("pr-1", { spec: exampleSpec, managed_by: "team", owner: "alice-3f9a2c1d" });
    expect(r.ok && r.body.owner).toBe("alice-3f9a2c1d");
    for (const owner of [42, "", "-lead", "has space", "x".repeat(65)]) {
      const bad = parsePutBody("pr-1", { spec: exampleSpec, owner });
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.message).toMatch(/owner/);
    }
  });
  it.each([
    ["Bad_Name", { spec: exampleSpec }, "invalid session name"],
    ["ok", null, "JSON object"],
    ["ok", { spec: { ...exampleSpec, services: [] } }, "non-empty"],
    ["ok", { spec: { ...exampleSpec, services: [{ ...exampleSpec.services[0], route: "ftp://x" }] } }, "http(s) URL"],
    ["ok", { spec: { ...exampleSpec, services: [{ ...exampleSpec.services[0], remote: "javascript:alert(1)" }] } }, "absolute http(s) URL"],
    ["ok", { spec: { ...exampleSpec, cache_routes: ["("] } }, "invalid regex"],
    ["ok", { spec: { ...exampleSpec, type: "preview" } }, "preview sessions cannot route"],
    ["ok", { spec: { ...exampleSpec, domains: [{ domain: "x.test", default_service: "ghost", routes: [] }] } }, 'unknown service "ghost"'],
  ])("rejects %s %#", (name, body, message) => {
    const r = parsePutBody(name, body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });
});

describe("versioned writes", () => {
  const now = "2026-02-02T00:00:00.000Z";
  const body = { spec: exampleSpec, managed_by: "team" };
  it("creates at version 1 and bumps by one, keeping server-managed fields", () => {
    const created = planPut("a", undefined, body, "h1", now, {});
    expect(created).toMatchObject({ kind: "write", created: true, record: { version: 1, managed_by: "team" } });
    const current = record("a", exampleSpec, { version: 4, tunnel_url: "http://t" });
    const next = planPut("a", current, body, "h2", now, { ifMatch: 4 });
    expect(next).toMatchObject({ kind: "write", created: false, record: { version: 5, tunnel_url: "http://t", created_at: current.created_at } });
  });
  it("records the owner a write sends, and clears it when a write sends none", () => {
    const mine = planPut("a", undefined, { ...body, owner: "bob-1" }, "h", now, {});
    expect(mine.kind === "write" && mine.record.owner).toBe("bob-1");
    const shared = planPut("a", record("a", exampleSpec, { owner: "bob-1" }), body, "h", now, {});
    expect(shared.kind === "write" && shared.record.owner).toBeNull();
  });
  it("refuses a stale If-Match and create-only on an existing session", () => {
    const current = record("a", exampleSpec, { version: 4 });
    expect(planPut("a", current, body, "h", now, { ifMatch: 3 }).kind).toBe("precondition-failed");
    expect(planPut("a", current, body, "h", now, { ifNoneMatch: true }).kind).toBe("precondition-failed");
    expect(planPut("a", undefined, body, "h", now, { ifMatch: 1 }).kind).toBe("precondition-failed");
    expect(planDelete("a", current, { ifMatch: 3 }).kind).toBe("precondition-failed");
    expect(planDelete("a", current, { ifMatch: 4 }).kind).toBe("delete");
    expect(planDelete("a", undefined, {}).kind).toBe("not-found");
  });
  it("parses If-Match forms", () => {
    expect(parseIfMatch('"7"')).toBe(7);
    expect(parseIfMatch('W/"7"')).toBe(7);
    expect(parseIfMatch("*")).toBe("any");
    expect(parseIfMatch("garbage")).toBeUndefined();
  });
});

describe("client version check", () => {
  it("requires a compatible major version", () => {
    expect(versionProblem(undefined)).toContain("upgrade");
    expect(versionProblem("0.9.0", "1.0.0")).toContain("upgrade");
    expect(versionProblem("1.4.2", "1.0.0")).toBeUndefined();
    expect(versionProblem("banana", "1.0.0")).toContain("invalid");
  });
});

describe("interpolation", () => {
  it("substitutes, defaults, escapes and reports missing names", () => {
    expect(interpolate("a ${X} b", { X: "1" })).toEqual({ ok: true, value: "a 1 b" });
    expect(interpolate("${X:-dflt}", {})).toEqual({ ok: true, value: "dflt" });
    expect(interpolate("$${X}", {})).toEqual({ ok: true, value: "${X}" });
    expect(interpolate("${A}${B}", { A: "1" })).toEqual({ ok: false, missing: ["B"] });
    expect(envRefs("$${X} ${A}-${B:-b}-${C}", { A: "1" })).toEqual([
      { name: "A", source: "env" },
      { name: "B", source: "default" },
      { name: "C", source: "unset" },
    ]);
  });
});

describe("preview names and expiry", () => {
  it("derives a readable DNS label from what a preview routes, ignoring ttl, type and service order", async () => {
    const a = await previewName(exampleSpec);
    expect(a).toMatch(/^preview-[0-9a-f]{10}$/);
    expect(isDnsLabel(a)).toBe(true);
    expect(await previewName({ ...exampleSpec, type: "preview", ttl: "3d", services: [...exampleSpec.services].reverse() })).toBe(a);
    const routed = exampleSpec.services.map((s) => (s.name === "api" ? { ...s, route: "https://api-pr.example.net" } : s));
    expect(await previewName({ ...exampleSpec, services: routed })).not.toBe(a);
  });

  it("sets expires_at on every write from the spec's ttl or the type's default", () => {
    const now = "2026-03-01T00:00:00.000Z";
    const put = (spec: typeof exampleSpec) => planPut("p", undefined, { spec }, "h", now, {});
    const preview = put({ ...exampleSpec, type: "preview" });
    expect(preview.kind === "write" && preview.record.expires_at).toBe("2026-03-08T00:00:00.000Z");
    const short = put({ ...exampleSpec, type: "preview", ttl: "3d" });
    expect(short.kind === "write" && short.record.expires_at).toBe("2026-03-04T00:00:00.000Z");
    const tunneled = put(exampleSpec);
    expect(tunneled.kind === "write" && tunneled.record.expires_at).toBeNull();
    // A second write renews: the expiry counts from the latest write.
    const again = planPut("p", record("p", { ...exampleSpec, type: "preview" }), { spec: { ...exampleSpec, type: "preview" } }, "h", "2026-03-05T00:00:00.000Z", {});
    expect(again.kind === "write" && again.record.expires_at).toBe("2026-03-12T00:00:00.000Z");
  });

  it("validates and canonicalises a ttl sent over the API", () => {
    expect(validateSpec({ ...exampleSpec, ttl: "soon" })).toEqual([{ path: ["ttl"], message: expect.stringContaining("not a duration") }]);
    const r = parsePutBody("p", { spec: { ...exampleSpec, ttl: "168h" } });
    expect(r.ok && r.body.spec.ttl).toBe("1w");
  });
});

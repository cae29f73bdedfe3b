import { describe, expect, it } from "vitest";
import { LEGACY_PREVIEW_TOKEN, isLoopbackLocation, legacyOwner, legacySixCharName, legacySpec, legacyVersionProblem, parseLegacyUpsert } from "./legacy-session.js";

const services = [{ name: "web", location: "http://localhost:3000/", rewrites: null }];
const domains = [{ domain: "example.com", default_service: "web", routes: null }];

describe("parseLegacyUpsert", () => {
  it("reads the Named form first, then the Unnamed one (Mentimeter's untagged enum)", () => {
    const named = parseLegacyUpsert({ desired_name: "a-b", session_token: "t", services, domains, cache_routes: null });
    expect(named).toMatchObject({ ok: true, request: { desiredName: "a-b", sessionToken: "t", cacheRoutes: [] } });
    const unnamed = parseLegacyUpsert({ name_kind: "animal", session_token: null, services, domains });
    expect(unnamed).toMatchObject({ ok: true, request: { nameKind: "animal", sessionToken: LEGACY_PREVIEW_TOKEN } });
    expect(unnamed.ok && unnamed.request.desiredName).toBeUndefined();
    // desired_name without a token is the Unnamed form: the name is ignored, as in Mentimeter.
    const noToken = parseLegacyUpsert({ desired_name: "a-b", services, domains });
    expect(noToken).toMatchObject({ ok: true, request: { nameKind: "six_char", sessionToken: LEGACY_PREVIEW_TOKEN } });
    expect(noToken.ok && noToken.request.desiredName).toBeUndefined();
  });
  it("refuses other shapes", () => {
    for (const bad of [null, [], { services: "x", domains }, { services, domains: [{ domain: 1 }] }, { services, domains, name_kind: "uuid" }, { services, domains, cache_routes: [1] }])
      expect(parseLegacyUpsert(bad).ok).toBe(false);
  });
});

describe("legacyVersionProblem", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["2.1", false],
    ["2.1.x", false],
    ["70000.0.0", false],
    ["2.0.99", false],
    ["1.9.9", false],
    ["2.1.0", true],
    ["2.10.0", true],
    ["3.0.0", true],
    ["99.99.99", true],
    ["0.0.0-next-1740000000-abc", true],
  ])("%s passes: %s", (v, passes) => {
    expect(legacyVersionProblem(v) === undefined).toBe(passes);
  });
});

describe("legacySpec", () => {
  it("maps locations to remote routes, or loopback ones to local routes through the tunnel", () => {
    const req = { nameKind: "animal" as const, sessionToken: "t", services: [...services, { name: "api", location: "https://api.example.net/", rewrites: [{ source: "^/v1", target: "" }] }], domains, cacheRoutes: ["^/static"] };
    expect(legacySpec(req, "preview", { localThroughTunnel: false })).toMatchObject({
      ok: true,
      spec: { type: "preview", services: [{ name: "web", route: "remote", remote: "http://localhost:3000/" }, { name: "api", route: "remote", rewrites: [{ source: "^/v1", target: "" }] }], cache_routes: ["^/static"] },
    });
    expect(legacySpec(req, "tunneled", { localThroughTunnel: true })).toMatchObject({
      ok: true,
      spec: { services: [{ name: "web", route: "local", local: "http://localhost:3000/" }, { name: "api", route: "remote" }] },
    });
  });
  it("applies this project's validation (Mentimeter's empty config, invalid url, no such service)", () => {
    const req = { nameKind: "animal" as const, sessionToken: "t", services: [{ name: "web", location: "ftp://x/", rewrites: null }], domains: [{ domain: "example.com", default_service: "ghost", routes: null }], cacheRoutes: [] };
    const r = legacySpec(req, "tunneled", { localThroughTunnel: false });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/http\(s\) URL.*unknown service "ghost"/);
  });
  it("recognises loopback hosts", () => {
    expect(["http://localhost:3000", "http://127.0.0.1/", "http://[::1]:80/"].every(isLoopbackLocation)).toBe(true);
    expect(["http://localhost.example.com/", "not a url", "https://10.0.0.1/"].some(isLoopbackLocation)).toBe(false);
  });
});

describe("owners and names", () => {
  it("owner is a hash of the token, never the token", async () => {
    const owner = await legacyOwner("s3cret-token");
    expect(owner).toMatch(/^legacy-token:[0-9a-f]{32}$/);
    expect(owner).not.toContain("s3cret");
    expect(await legacyOwner("s3cret-token")).toBe(owner);
    expect(await legacyOwner("other")).not.toBe(owner);
  });
  it("six-char names depend on content and token, not on list order", async () => {
    const two = [
      { name: "a", location: "http://a.test/", rewrites: null },
      { name: "b", location: "http://b.test/", rewrites: null },
    ];
    const base = { nameKind: "six_char" as const, sessionToken: "t", domains: [{ domain: "example.com", default_service: "a", routes: null }], cacheRoutes: [] };
    const x = await legacySixCharName({ ...base, services: two }, "preview");
    expect(x).toMatch(/^[0-9a-f]{6}$/);
    expect(await legacySixCharName({ ...base, services: [...two].reverse() }, "preview")).toBe(x);
    expect(await legacySixCharName({ ...base, services: two, sessionToken: "u" }, "preview")).not.toBe(x);
  });
});

// Cloudflare Access at the worker, on the real bundle under workerd: the worker is configured
// with a team domain and audience, and its certs URL points at a local JWKS stand-in
// (test/support/access-standin.ts). Missing, expired, wrong-audience, wrong-issuer, wrongly
// signed and `alg: none` assertions get 403; a valid one (person or service token) is routed; a
// `public` session needs none; unknown sessions look exactly like protected ones to outsiders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, TEAM_DOMAIN, startAccessStandin, unsignedToken, type AccessStandin } from "../support/access-standin.js";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf, startUpstream, type Upstream } from "./upstream.js";

let access: AccessStandin;
let upstream: Upstream;
let w: WorkerHarness;

const JWT = "cf-access-jwt-assertion";

async function put(worker: WorkerHarness, name: string, spec: unknown) {
  const res = await worker.api("PUT", `/sessions/${name}`, { body: { spec } });
  expect(res.status, res.text).toBe(201);
}

beforeAll(async () => {
  access = await startAccessStandin();
  upstream = await startUpstream((req, res) => res.end(`upstream ${req.url}`));
  w = await startWorkerHarness({ vars: { ACCESS_TEAM_DOMAIN: TEAM_DOMAIN, ACCESS_AUD: AUDIENCE, ACCESS_CERTS_URL: access.certsUrl } });
  const spec = specOf([{ name: "web", route: "remote", remote: upstream.url }], { type: "preview" });
  await put(w, "team-site", { ...spec, access: "team" });
  await put(w, "shared-preview", { ...spec, access: "public" });
  // Written before the config had an access block: a worker with Access treats it as `team`.
  await put(w, "older-site", spec);
});

afterAll(async () => {
  await w?.close();
  await upstream?.close();
  await access?.close();
});

const get = (host: string, headers: Record<string, string> = {}, path = "/page") => w.send({ host: `${host}.example.com`, path, headers });

describe("a session with access: team", () => {
  it("is routed with a valid assertion, and the app still receives it", async () => {
    const token = await access.token();
    const res = await get("team-site", { [JWT]: token });
    expect(res.status).toBe(200);
    expect(res.text).toBe("upstream /page");
    expect(upstream.seen.at(-1)!.headers[JWT]).toBe(token);
  });

  it("is routed for a service token (common_name instead of email)", async () => {
    const token = await access.token({ claims: { email: undefined, common_name: "ci.example.access", type: "app" } });
    expect((await get("team-site", { [JWT]: token })).status).toBe(200);
  });

  it("refuses a request without an assertion, with a short explanation", async () => {
    const res = await get("team-site");
    expect(res.status).toBe(403);
    expect(res.text).toContain("no Access token");
    expect(res.text).not.toContain("team-site");
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    ["an expired assertion", () => access.token({ expiresInS: -120 }), /expired/],
    ["an assertion for another application (audience)", () => access.token({ claims: { aud: ["0".repeat(64)] } }), /another application/],
    ["an assertion from another team (issuer)", () => access.token({ claims: { iss: "https://other-team.cloudflareaccess.com" } }), /another application or team/],
    ["an assertion signed by a key the team does not have, claiming the team's key id", async () => access.token({ key: await access.foreignKey() }), /signature/],
    ["an assertion signed by an unknown key", async () => access.token({ key: await access.foreignKey(), kid: "attacker-key" }), /not signed by your team/],
    ["an unsigned assertion (alg: none)", async () => unsignedToken({ aud: [AUDIENCE], iss: `https://${TEAM_DOMAIN}`, exp: Math.floor(Date.now() / 1000) + 3600 }), /algorithm|malformed/],
    ["garbage", async () => "not-a-jwt", /malformed/],
  ];
  for (const [what, make, reason] of refused)
    it(`refuses ${what} with 403`, async () => {
      const before = upstream.seen.length;
      const res = await get("team-site", { [JWT]: await make() });
      expect(res.status).toBe(403);
      expect(res.text).toMatch(reason);
      expect(upstream.seen.length).toBe(before);
    });

  it("treats a session written without an access field as team", async () => {
    expect((await get("older-site")).status).toBe(403);
    expect((await get("older-site", { [JWT]: await access.token() })).status).toBe(200);
  });

  it("caches the team's keys instead of fetching them per request", async () => {
    const before = access.fetches();
    for (let i = 0; i < 5; i++) expect((await get("team-site", { [JWT]: await access.token() })).status).toBe(200);
    expect(access.fetches()).toBe(before);
  });
});

describe("a session with access: public", () => {
  it("needs no assertion", async () => {
    const res = await get("shared-preview");
    expect(res.status).toBe(200);
    expect(res.text).toBe("upstream /page");
  });
});

describe("names behind Access", () => {
  it("answers an outsider the same 403 for a session that does not exist, and a team member the 422", async () => {
    const outsider = await get("no-such-site", { "cf-connecting-ip": "198.51.100.1" });
    const protectedOne = await get("team-site", { "cf-connecting-ip": "198.51.100.1" });
    expect(outsider.status).toBe(403);
    expect(outsider.text).toBe(protectedOne.text);
    const member = await get("no-such-site", { [JWT]: await access.token(), "cf-connecting-ip": "198.51.100.2" });
    expect(member.status).toBe(422);
  });
});

describe("a worker without Access", () => {
  let plain: WorkerHarness;
  let loopback: WorkerHarness;
  beforeAll(async () => {
    plain = await startWorkerHarness();
    loopback = await startWorkerHarness({ vars: { LINKUP_LOOPBACK_ONLY: "1" } });
    const spec = specOf([{ name: "web", route: "remote", remote: upstream.url }], { type: "preview" });
    for (const worker of [plain, loopback]) {
      await put(worker, "team-site", { ...spec, access: "team" });
      await put(worker, "open-site", spec);
    }
  });
  afterAll(async () => {
    await plain?.close();
    await loopback?.close();
  });

  it("refuses a session declared access: team rather than expose it (fail closed), and says how to fix it", async () => {
    const res = await plain.send({ host: "team-site.example.com" });
    expect(res.status).toBe(403);
    expect(res.text).toContain("linkup infra deploy");
    expect((await plain.send({ host: "open-site.example.com" })).status).toBe(200);
  });

  it("routes it on the embedded default (loopback only, where no Access can sit in front)", async () => {
    expect((await loopback.send({ host: "team-site.example.com" })).status).toBe(200);
  });
});

describe("Access settings", () => {
  it("refuses a certs URL override that is not loopback (tests only), and half a configuration", async () => {
    const foreign = await startWorkerHarness({ vars: { ACCESS_TEAM_DOMAIN: TEAM_DOMAIN, ACCESS_AUD: AUDIENCE, ACCESS_CERTS_URL: "https://evil.example.net/certs" } });
    const half = await startWorkerHarness({ vars: { ACCESS_TEAM_DOMAIN: TEAM_DOMAIN } });
    try {
      const a = await foreign.send({ host: "anything.example.com" });
      expect(a.status).toBe(500);
      expect(a.text).toContain("ACCESS_CERTS_URL");
      const b = await half.send({ host: "anything.example.com" });
      expect(b.status).toBe(500);
      expect(b.text).toContain("ACCESS_AUD");
    } finally {
      await foreign.close();
      await half.close();
    }
  });
});

// The API's guard: bearer token (missing, wrong, right) and the CLI version header (missing, old,
// incompatible), on the real bundle under Miniflare. The token is never echoed.
import { LINKUP_VERSION } from "../../src/core/api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";

let w: WorkerHarness;
beforeAll(async () => {
  w = await startWorkerHarness({ token: "s3cret-token-value" });
});
afterAll(async () => {
  await w?.close();
});

describe("worker API auth", () => {
  it("accepts the right token and a compatible version", async () => {
    const res = await w.api("GET", "/check");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, version: "1.1.0", linkup_version: LINKUP_VERSION });
    expect((await w.api("GET", "/check", { headers: { "x-linkup-version": "1.4.2-beta.1" } })).status).toBe(200);
  });

  it("refuses a missing token with 401 and a JSON error", async () => {
    const res = await w.api("GET", "/sessions", { headers: { authorization: null } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("refuses a wrong token (and a token of another length) without echoing either", async () => {
    for (const token of ["s3cret-token-valuX", "x", "s3cret-token-value-and-more"]) {
      const res = await w.api("GET", "/sessions", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("unauthorized");
      expect(res.text).not.toContain(token);
      expect(res.text).not.toContain("s3cret-token-value");
    }
  });

  it("refuses a non-Bearer scheme", async () => {
    const res = await w.api("GET", "/sessions", { headers: { authorization: "Basic czNjcmV0LXRva2VuLXZhbHVl" } });
    expect(res.status).toBe(401);
  });

  it("accepts the scheme in any case", async () => {
    const res = await w.api("GET", "/sessions", { headers: { authorization: "bearer s3cret-token-value" } });
    expect(res.status).toBe(200);
  });

  it("refuses a missing version header with 401 telling the user to upgrade", async () => {
    const res = await w.api("GET", "/sessions", { headers: { "x-linkup-version": null } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unsupported-version");
    expect(res.json.error.message).toMatch(/upgrade/i);
  });

  it("refuses an old (other major) or unparsable version with 401 telling the user to upgrade", async () => {
    for (const v of ["0.9.0", "2.0.0", "latest"]) {
      const res = await w.api("GET", "/sessions", { headers: { "x-linkup-version": v } });
      expect(res.status, v).toBe(401);
      expect(res.json.error.message).toMatch(/upgrade/i);
    }
  });

  it("guards every API path, including unknown ones, but not the proxy", async () => {
    const unknown = await w.api("GET", "/nothing-here", { headers: { authorization: null } });
    expect(unknown.status).toBe(401);
    const known = await w.api("GET", "/nothing-here");
    expect(known.status).toBe(404);
    expect(known.json.error.code).toBe("not-found");
    // Outside /linkup/v1 there is no auth: the proxy answers (here: no session).
    const proxied = await w.send({ host: "nobody.example.com", path: "/linkup/other" });
    expect(proxied.status).toBe(422);
  });

  it("answers a wrong method on a known path with 405", async () => {
    const res = await w.api("POST", "/sessions");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });
});

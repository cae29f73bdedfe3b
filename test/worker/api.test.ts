// The session API on the real bundle: CRUD with versions and ETag preconditions (412), bad input
// refused with 400/413 and nothing stored, and tunnel start (direct provider).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { startWorkerHarness, type WorkerHarness } from "../support/worker-harness.js";
import { specOf } from "./upstream.js";

const TUNNEL = "http://127.0.0.1:8792";
let w: WorkerHarness;
beforeAll(async () => {
  w = await startWorkerHarness({ vars: { TUNNEL_PROVIDER: "direct", DIRECT_TUNNEL_URL: TUNNEL } });
});
afterAll(async () => {
  await w?.close();
});

const spec = specOf([{ name: "web", route: "remote", remote: "https://web.example.net" }]);
const names = async () => (await w.api("GET", "/sessions")).json.sessions.map((s: { name: string }) => s.name);

describe("session CRUD with versions", () => {
  it("creates (201), reads (ETag), replaces (200, version+1) and deletes (204)", async () => {
    const created = await w.api("PUT", "/sessions/crud-one", { body: { spec, managed_by: "cfg-a" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.json).toMatchObject({ name: "crud-one", version: 1, managed_by: "cfg-a", tunnel_url: null, spec });
    expect(created.json.spec_hash).toMatch(/^[0-9a-f]{16}$/);

    const got = await w.api("GET", "/sessions/crud-one");
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(got.json).toEqual(created.json);

    const replaced = await w.api("PUT", "/sessions/crud-one", { body: { spec, managed_by: "cfg-a" }, headers: { "if-match": '"1"' } });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get("etag")).toBe('"2"');
    expect(replaced.json.version).toBe(2);
    expect(replaced.json.created_at).toBe(created.json.created_at);
    expect(replaced.json.spec_hash).toBe(created.json.spec_hash);

    expect(await names()).toContain("crud-one");
    const deleted = await w.api("DELETE", "/sessions/crud-one", { headers: { "if-match": '"2"' } });
    expect(deleted.status).toBe(204);
    expect((await w.api("GET", "/sessions/crud-one")).status).toBe(404);
    expect((await w.api("DELETE", "/sessions/crud-one")).status).toBe(404);
  });

  it("answers 412 to a stale If-Match on PUT and DELETE, keeping the newer write", async () => {
    await w.api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "alice" } });
    // Both teammates read version 1; Bob writes first.
    const bob = await w.api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "bob" }, headers: { "if-match": '"1"' } });
    expect(bob.status).toBe(200);
    const alice = await w.api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "alice" }, headers: { "if-match": '"1"' } });
    expect(alice.status).toBe(412);
    expect(alice.json.error.code).toBe("precondition-failed");
    expect(alice.json.error.message).toContain("current version is 2");
    expect(alice.headers.get("etag")).toBe('"2"');
    const del = await w.api("DELETE", "/sessions/crud-race", { headers: { "if-match": '"1"' } });
    expect(del.status).toBe(412);
    const now = await w.api("GET", "/sessions/crud-race");
    expect(now.json).toMatchObject({ version: 2, managed_by: "bob" });
  });

  it("If-None-Match: * creates only; If-Match on a missing session is 412", async () => {
    expect((await w.api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-none-match": "*" } })).status).toBe(201);
    const again = await w.api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-none-match": "*" } });
    expect(again.status).toBe(412);
    expect((await w.api("PUT", "/sessions/crud-never-made", { body: { spec }, headers: { "if-match": '"1"' } })).status).toBe(412);
    expect(await names()).not.toContain("crud-never-made");
  });

  it("lists every session, sorted by name", async () => {
    await w.api("PUT", "/sessions/list-b", { body: { spec } });
    await w.api("PUT", "/sessions/list-a", { body: { spec } });
    const list = await names();
    expect(list.filter((n: string) => n.startsWith("list-"))).toEqual(["list-a", "list-b"]);
    expect([...list].sort()).toEqual(list);
  });
});

/** A PUT over a raw socket with chunked encoding (no Content-Length), so only the streamed count can catch the size. */
function chunkedPut(path: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: w.port,
        method: "PUT",
        path: "/linkup/v1" + path,
        headers: { authorization: `Bearer ${w.token}`, "x-linkup-version": "1.0.0", "content-type": "application/json", "transfer-encoding": "chunked" },
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(8 * 1024, " ");
    req.write('{"spec":');
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
    req.end(JSON.stringify(spec) + "}");
  });
}

describe("bad input is refused and stores nothing", () => {
  const cases: [string, string, unknown, number, string][] = [
    ["malformed JSON", "bad-json", '{"spec": ', 400, "invalid-json"],
    ["a body that is not an object", "bad-array", "[1,2]", 400, "invalid-session"],
    ["a missing spec", "bad-nospec", { managed_by: "x" }, 400, "invalid-session"],
    ["a service URL that is not http(s)", "bad-url", { spec: specOf([{ name: "web", route: "remote", remote: "ftp://files.example.net" }]) }, 400, "invalid-session"],
    ["a route override that is not http(s)", "bad-route", { spec: specOf([{ name: "web", route: "javascript:alert(1)" }]) }, 400, "invalid-session"],
    ["an invalid regex", "bad-regex", { spec: specOf([{ name: "web", route: "remote", remote: "https://a.example.net" }], { routes: [{ path: "([", service: "web" }] }) }, 400, "invalid-session"],
    ["a preview session routing local", "bad-preview", { spec: specOf([{ name: "web", route: "local", local: "http://localhost:3000" }], { type: "preview" }) }, 400, "invalid-session"],
    ["a body over 64 KiB (Content-Length)", "bad-big", { spec, pad: "x".repeat(70 * 1024) }, 413, "body-too-large"],
  ];
  for (const [what, name, body, status, code] of cases)
    it(`refuses ${what} with ${status}`, async () => {
      const res = await w.api("PUT", `/sessions/${name}`, { body });
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(res.json.error.message.length).toBeGreaterThan(10);
      expect((await w.api("GET", `/sessions/${name}`)).status).toBe(404);
    });

  it("names the reason for an invalid service URL", async () => {
    const res = await w.api("PUT", "/sessions/bad-url", { body: cases[3]![2] });
    expect(res.json.error.message).toContain("http(s)");
  });

  it("refuses an invalid session name with 400", async () => {
    for (const name of ["Upper-Case", "-dash", "a".repeat(64), "under_score"]) {
      const res = await w.api("PUT", `/sessions/${name}`, { body: { spec } });
      expect(res.status, name).toBe(400);
      expect(res.json.error.code).toBe("invalid-session-name");
    }
  });

  it("refuses a body over 64 KiB sent chunked, counting the stream", async () => {
    const res = await chunkedPut("/sessions/bad-chunked", 80 * 1024);
    expect(res.status).toBe(413);
    expect((await w.api("GET", "/sessions/bad-chunked")).status).toBe(404);
  });

  it("accepts a chunked body under the limit", async () => {
    const res = await chunkedPut("/sessions/ok-chunked", 16 * 1024);
    expect(res.status).toBe(201);
  });

  it("refuses an unreadable If-Match with 400", async () => {
    const res = await w.api("PUT", "/sessions/bad-ifmatch", { body: { spec }, headers: { "if-match": "yesterday" } });
    expect(res.status).toBe(400);
  });

  it("stored none of the refused sessions", async () => {
    expect((await names()).filter((n: string) => n.startsWith("bad-"))).toEqual([]);
  });
});

describe("POST /sessions/:name/tunnel", () => {
  it("404 for an unknown session, 400 for a preview session", async () => {
    expect((await w.api("POST", "/sessions/tun-nobody/tunnel")).status).toBe(404);
    await w.api("PUT", "/sessions/tun-preview", { body: { spec: { ...spec, type: "preview" } } });
    const res = await w.api("POST", "/sessions/tun-preview/tunnel");
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("preview-has-no-tunnel");
  });

  it("starts the tunnel, stores tunnel_url on the session (version+1) and is idempotent", async () => {
    await w.api("PUT", "/sessions/tun-one", { body: { spec: specOf([{ name: "web", route: "local", local: "http://localhost:3000" }]) } });
    const res = await w.api("POST", "/sessions/tun-one/tunnel");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ tunnel_url: TUNNEL, hostname: "127.0.0.1:8792", run_token: null, tunnel_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const got = await w.api("GET", "/sessions/tun-one");
    expect(got.json).toMatchObject({ tunnel_url: TUNNEL, version: 2 });
    // The secret is the tunnel's: asking again hands out the same one; it never appears in the session record.
    const again = await w.api("POST", "/sessions/tun-one/tunnel");
    expect(again.status).toBe(200);
    expect(again.json.tunnel_secret).toBe(res.json.tunnel_secret);
    expect(got.text).not.toContain(res.json.tunnel_secret);
    expect((await w.api("GET", "/sessions/tun-one")).json.version).toBe(2);
    const record = JSON.parse((await (await w.kv("LINKUP_TUNNELS")).get("tun-one", "text"))!);
    expect(record).toMatchObject({ session: "tun-one", provider: "direct", tunnel_url: TUNNEL, signing_secret: res.json.tunnel_secret });
  });
});

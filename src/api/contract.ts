// The one test suite every mount of the session API passes (the worker under workerd, the local
// server's admin listener over node:http), as src/store/contract.ts is for stores: CRUD with
// versions and preconditions, bad input refused with nothing stored, the token and version guard,
// 404/405 and the answer shape. Host-only behaviour (the worker's tunnel start and proxy, the
// local guards, /status, /tunnel) is tested in the hosts' own files.
// Call it from a vitest file: sessionApiContract("worker", () => ({ url, token })).
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { API_PREFIX, API_VERSION, LINKUP_VERSION, VERSION_HEADER } from "../core/api.js";

export interface ApiTarget {
  /** Origin of the server, e.g. `http://127.0.0.1:8787` (the API is under /linkup/v1). */
  url: string;
  /** The token the server expects. */
  token: string;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

type CallInit = { body?: unknown; rawBody?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string | null> };

/** A spec every host accepts: one remote service. */
export function contractSpec(overrides: Record<string, unknown> = {}, services?: unknown[]) {
  return {
    type: "tunneled",
    services: services ?? [{ name: "web", route: "remote", remote: "https://web.example.net", rewrites: [] }],
    domains: [{ domain: "example.com", default_service: "web", routes: [] }],
    cache_routes: [],
    ...overrides,
  };
}

/** An API call with the right token and version header; `headers` overrides (null removes). */
export async function callApi(target: ApiTarget, method: string, path: string, init: CallInit = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, [VERSION_HEADER]: API_VERSION };
  for (const [k, v] of Object.entries(init.headers ?? {})) {
    if (v === null) delete headers[k.toLowerCase()];
    else headers[k.toLowerCase()] = v;
  }
  let body: string | Uint8Array<ArrayBuffer> | undefined = init.rawBody;
  if (init.body !== undefined) body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(target.url + API_PREFIX + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A PUT with chunked encoding (no Content-Length), so only the streamed count can catch the size. */
function chunkedPut(target: ApiTarget, path: string, padding: number, spec: unknown): Promise<{ status: number; body: string }> {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: "PUT",
        path: API_PREFIX + path,
        headers: {
          authorization: `Bearer ${target.token}`,
          [VERSION_HEADER]: API_VERSION,
          "content-type": "application/json",
          "transfer-encoding": "chunked",
        },
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    // The server may answer 413 and stop reading before the whole body is sent.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    const chunk = Buffer.alloc(8 * 1024, " ");
    req.write('{"spec":');
    for (let sent = 0; sent < padding; sent += chunk.length) req.write(chunk);
    req.end(JSON.stringify(spec) + "}");
  });
}

/** Registers the contract cases against the server `target()` names (started in the caller's beforeAll). */
export function sessionApiContract(label: string, target: () => ApiTarget): void {
  const api = (method: string, path: string, init?: CallInit) => callApi(target(), method, path, init);
  const names = async (prefix: string) =>
    ((await api("GET", "/sessions")).json.sessions as { name: string }[]).map((s) => s.name).filter((n) => n.startsWith(prefix));
  const spec = contractSpec();

  describe(`session API contract: ${label}`, () => {
    describe("sessions with versions and preconditions", () => {
      it("creates (201), reads (ETag), replaces (200, version+1) and deletes (204)", async () => {
        const created = await api("PUT", "/sessions/crud-one", { body: { spec, managed_by: "cfg-a" } });
        expect(created.status).toBe(201);
        expect(created.headers.get("etag")).toBe('"1"');
        expect(created.headers.get("cache-control")).toBe("no-store");
        expect(created.headers.get("content-type")).toMatch(/^application\/json/);
        expect(created.json).toMatchObject({ name: "crud-one", version: 1, managed_by: "cfg-a", tunnel_url: null, spec });
        expect(created.json.spec_hash).toMatch(/^[0-9a-f]{16}$/);
        expect(created.json.created_at).toBe(created.json.updated_at);

        const got = await api("GET", "/sessions/crud-one");
        expect(got.status).toBe(200);
        expect(got.headers.get("etag")).toBe('"1"');
        expect(got.json).toEqual(created.json);

        const replaced = await api("PUT", "/sessions/crud-one", { body: { spec, managed_by: "cfg-b" }, headers: { "if-match": '"1"' } });
        expect(replaced.status).toBe(200);
        expect(replaced.headers.get("etag")).toBe('"2"');
        expect(replaced.json).toMatchObject({ version: 2, managed_by: "cfg-b", created_at: created.json.created_at, spec_hash: created.json.spec_hash });

        expect(await names("crud-")).toContain("crud-one");
        const deleted = await api("DELETE", "/sessions/crud-one", { headers: { "if-match": '"2"' } });
        expect(deleted.status).toBe(204);
        expect(deleted.text).toBe("");
        const gone = await api("GET", "/sessions/crud-one");
        expect(gone.status).toBe(404);
        expect(gone.json.error.code).toBe("session-not-found");
        expect((await api("DELETE", "/sessions/crud-one")).status).toBe(404);
      });

      it("answers 412 with the current ETag to a stale If-Match on PUT and DELETE, keeping the newer write", async () => {
        await api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "alice" } });
        // Both teammates read version 1; Bob writes first.
        const bob = await api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "bob" }, headers: { "if-match": '"1"' } });
        expect(bob.status).toBe(200);
        const alice = await api("PUT", "/sessions/crud-race", { body: { spec, managed_by: "alice" }, headers: { "if-match": '"1"' } });
        expect(alice.status).toBe(412);
        expect(alice.json.error.code).toBe("precondition-failed");
        expect(alice.json.error.message).toContain("current version is 2");
        expect(alice.headers.get("etag")).toBe('"2"');
        const del = await api("DELETE", "/sessions/crud-race", { headers: { "if-match": '"1"' } });
        expect(del.status).toBe(412);
        expect(del.headers.get("etag")).toBe('"2"');
        expect((await api("GET", "/sessions/crud-race")).json).toMatchObject({ version: 2, managed_by: "bob" });
      });

      it("accepts If-Match as W/\"n\", n or *; If-None-Match: * creates only; If-Match on a missing session is 412", async () => {
        expect((await api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-none-match": "*" } })).status).toBe(201);
        const again = await api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-none-match": "*" } });
        expect(again.status).toBe(412);
        expect(again.headers.get("etag")).toBe('"1"');
        expect((await api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-match": 'W/"1"' } })).status).toBe(200);
        expect((await api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-match": "2" } })).status).toBe(200);
        expect((await api("PUT", "/sessions/crud-create-only", { body: { spec }, headers: { "if-match": "*" } })).status).toBe(200);
        const missing = await api("PUT", "/sessions/crud-never-made", { body: { spec }, headers: { "if-match": '"1"' } });
        expect(missing.status).toBe(412);
        expect(missing.headers.get("etag")).toBeNull();
        expect((await api("PUT", "/sessions/crud-never-made", { body: { spec }, headers: { "if-match": "*" } })).status).toBe(412);
        expect(await names("crud-never")).toEqual([]);
      });

      it("?dry_run=1 validates and versions a write, answers what it would store, and stores nothing", async () => {
        const created = await api("PUT", "/sessions/dry-one?dry_run=1", { body: { spec }, headers: { "if-none-match": "*" } });
        expect(created.status).toBe(201);
        expect(created.headers.get("x-linkup-dry-run")).toBe("1");
        expect(created.headers.get("etag")).toBe('"1"');
        expect(created.json).toMatchObject({ name: "dry-one", version: 1, spec });
        expect((await api("GET", "/sessions/dry-one")).status).toBe(404);

        expect((await api("PUT", "/sessions/dry-two", { body: { spec } })).status).toBe(201);
        const replaced = await api("PUT", "/sessions/dry-two?dry_run=1", { body: { spec, managed_by: "cfg" }, headers: { "if-match": '"1"' } });
        expect(replaced.status).toBe(200);
        expect(replaced.json).toMatchObject({ version: 2, managed_by: "cfg" });
        // The version rules and the validation still apply.
        const stale = await api("PUT", "/sessions/dry-two?dry_run=1", { body: { spec }, headers: { "if-match": '"9"' } });
        expect(stale.status).toBe(412);
        expect(stale.headers.get("etag")).toBe('"1"');
        expect((await api("PUT", "/sessions/dry-two?dry_run=1", { body: { spec: contractSpec({ type: "nope" }) } })).status).toBe(400);
        const deleted = await api("DELETE", "/sessions/dry-two?dry_run=1", { headers: { "if-match": '"1"' } });
        expect(deleted.status).toBe(204);
        expect(deleted.headers.get("x-linkup-dry-run")).toBe("1");
        expect((await api("DELETE", "/sessions/dry-two?dry_run=1", { headers: { "if-match": '"3"' } })).status).toBe(412);
        expect((await api("DELETE", "/sessions/dry-nobody?dry_run=1")).status).toBe(404);

        // Nothing of it landed: the stored session is still version 1 and unowned; dry-one never existed.
        expect((await api("GET", "/sessions/dry-two")).json).toMatchObject({ version: 1, managed_by: null });
        expect(await names("dry-")).toEqual(["dry-two"]);
        // A real write is not marked as a dry run.
        const real = await api("DELETE", "/sessions/dry-two");
        expect(real.status).toBe(204);
        expect(real.headers.get("x-linkup-dry-run")).toBeNull();
      });

      it("lists every session, sorted by name", async () => {
        await api("PUT", "/sessions/list-b", { body: { spec } });
        await api("PUT", "/sessions/list-a", { body: { spec } });
        const list = await api("GET", "/sessions");
        expect(list.status).toBe(200);
        expect(list.headers.get("cache-control")).toBe("no-store");
        const all = (list.json.sessions as { name: string }[]).map((s) => s.name);
        expect(all.filter((n) => n.startsWith("list-"))).toEqual(["list-a", "list-b"]);
        expect([...all].sort()).toEqual(all);
      });
    });

    describe("bad input is refused and stores nothing", () => {
      const big = "x".repeat(70 * 1024);
      const cases: [string, string, CallInit, number, string][] = [
        ["malformed JSON", "bad-json", { body: '{"spec": ' }, 400, "invalid-json"],
        ["an empty body", "bad-empty", { rawBody: "" }, 400, "invalid-json"],
        ["a body that is not UTF-8", "bad-utf8", { rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, 400, "invalid-json"],
        ["a body that is not an object", "bad-array", { body: "[1,2]" }, 400, "invalid-session"],
        ["a missing spec", "bad-nospec", { body: { managed_by: "x" } }, 400, "invalid-session"],
        ["an unknown session type", "bad-type", { body: { spec: contractSpec({ type: "nope" }) } }, 400, "invalid-session"],
        ["a service URL that is not http(s)", "bad-url", { body: { spec: contractSpec({}, [{ name: "web", route: "remote", remote: "ftp://files.example.net", rewrites: [] }]) } }, 400, "invalid-session"],
        ["a route override that is not http(s)", "bad-route", { body: { spec: contractSpec({}, [{ name: "web", route: "javascript:alert(1)", rewrites: [] }]) } }, 400, "invalid-session"],
        ["an invalid regex", "bad-regex", { body: { spec: contractSpec({ domains: [{ domain: "example.com", default_service: "web", routes: [{ path: "([", service: "web" }] }] }) } }, 400, "invalid-session"],
        ["a preview session routing local", "bad-preview", { body: { spec: contractSpec({ type: "preview" }, [{ name: "web", route: "local", local: "http://localhost:3000", rewrites: [] }]) } }, 400, "invalid-session"],
        ["a body over 64 KiB (Content-Length)", "bad-big", { body: { spec, pad: big } }, 413, "body-too-large"],
        ["an unreadable If-Match", "bad-ifmatch", { body: { spec }, headers: { "if-match": "yesterday" } }, 400, "invalid-precondition"],
        ["an If-None-Match other than *", "bad-ifnonematch", { body: { spec }, headers: { "if-none-match": '"1"' } }, 400, "invalid-precondition"],
      ];
      for (const [what, name, init, status, code] of cases)
        it(`refuses ${what} with ${status} ${code}`, async () => {
          const res = await api("PUT", `/sessions/${name}`, init);
          expect(res.status).toBe(status);
          expect(res.json.error.code).toBe(code);
          expect(res.json.error.message.length).toBeGreaterThan(10);
          expect(res.headers.get("cache-control")).toBe("no-store");
          expect((await api("GET", `/sessions/${name}`)).status).toBe(404);
        });

      it("names the reason for an invalid service URL and the limit for a large body", async () => {
        expect((await api("PUT", "/sessions/bad-url", cases[6]![2])).json.error.message).toContain("http(s)");
        expect((await api("PUT", "/sessions/bad-big", cases[10]![2])).json.error.message).toContain("64 KiB");
      });

      it("refuses an invalid session name with 400 on every method", async () => {
        for (const name of ["Upper-Case", "-dash", "a".repeat(64), "under_score", "a%2Fb"]) {
          for (const method of ["GET", "PUT", "DELETE"]) {
            const res = await api(method, `/sessions/${name}`, method === "PUT" ? { body: { spec } } : {});
            expect(res.status, `${method} ${name}`).toBe(400);
            expect(res.json.error.code).toBe("invalid-session-name");
          }
        }
      });

      it("refuses a body over 64 KiB sent chunked, counting the stream", async () => {
        const res = await chunkedPut(target(), "/sessions/bad-chunked", 80 * 1024, spec);
        expect(res.status).toBe(413);
        expect(JSON.parse(res.body).error.code).toBe("body-too-large");
        expect((await api("GET", "/sessions/bad-chunked")).status).toBe(404);
      });

      it("accepts a chunked body under the limit", async () => {
        const res = await chunkedPut(target(), "/sessions/ok-chunked", 16 * 1024, spec);
        expect(res.status).toBe(201);
      });

      it("stored none of the refused sessions", async () => {
        expect(await names("bad-")).toEqual([]);
      });
    });

    describe("token and version", () => {
      it("answers the right token and a compatible version (pre-release suffixes too)", async () => {
        const res = await api("GET", "/check");
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ ok: true, version: API_VERSION, linkup_version: LINKUP_VERSION });
        expect((await api("GET", "/check", { headers: { [VERSION_HEADER]: "1.4.2-beta.1" } })).status).toBe(200);
      });

      it("refuses a missing token with 401 and a Bearer challenge", async () => {
        const res = await api("GET", "/sessions", { headers: { authorization: null } });
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe("unauthorized");
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="[a-z-]+"$/);
      });

      it("refuses a wrong token (and one of another length) without echoing either", async () => {
        const right = target().token;
        for (const token of [right.slice(0, -1) + (right.endsWith("X") ? "Y" : "X"), "x", right + "-and-more"]) {
          const res = await api("GET", "/sessions", { headers: { authorization: `Bearer ${token}` } });
          expect(res.status).toBe(401);
          expect(res.json.error.code).toBe("unauthorized");
          expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
          expect(res.text).not.toContain(token);
          expect(res.text).not.toContain(right);
        }
      });

      it("refuses another scheme and accepts Bearer in any case", async () => {
        const basic = await api("GET", "/sessions", { headers: { authorization: `Basic ${btoa(target().token)}` } });
        expect(basic.status).toBe(401);
        expect((await api("GET", "/sessions", { headers: { authorization: `bearer ${target().token}` } })).status).toBe(200);
      });

      it("refuses a missing, old, newer or unparsable version with 401 telling the user to upgrade", async () => {
        for (const v of [null, "0.9.0", "2.0.0", "latest"]) {
          const res = await api("GET", "/check", { headers: { [VERSION_HEADER]: v } });
          expect(res.status, String(v)).toBe(401);
          expect(res.json.error.code).toBe("unsupported-version");
          expect(res.json.error.message).toMatch(/upgrade/i);
        }
      });

      it("checks the token before anything else, also on unknown paths and refused writes", async () => {
        expect((await api("GET", "/nothing-here", { headers: { authorization: null } })).status).toBe(401);
        const write = await api("PUT", "/sessions/auth-first", { body: { spec }, headers: { authorization: "Bearer nope" } });
        expect(write.status).toBe(401);
        expect(await names("auth-first")).toEqual([]);
      });
    });

    describe("paths and methods", () => {
      it("answers 404 not-found for an unknown path under the prefix", async () => {
        for (const path of ["/nothing-here", "/sessions/a/b", "/sessions/"]) {
          const res = await api("GET", path);
          expect(res.status, path).toBe(404);
          expect(res.json.error.code).toBe("not-found");
        }
      });

      it("answers a wrong method on a known path with 405 and Allow", async () => {
        const cases: [string, string, string][] = [
          ["POST", "/sessions", "GET"],
          ["DELETE", "/check", "GET"],
          ["PATCH", "/sessions/some-name", "GET, PUT, DELETE"],
        ];
        for (const [method, path, allow] of cases) {
          const res = await api(method, path);
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(res.json.error.code).toBe("method-not-allowed");
          expect(res.headers.get("allow")).toBe(allow);
        }
      });
    });
  });
}

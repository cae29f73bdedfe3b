// A stand-in for the session API (docs/architecture.md), built from the same core pieces the real
// worker and local server use (parsePutBody, planPut/planDelete, specHash). Used by the CLI tests
// when the real servers are not available (LINKUP_TEST_BACKENDS=standin, or while they are being
// written). It counts writes, so idempotence can be asserted at the API.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { API_PREFIX, API_VERSION, etagOf, parseIfMatch, versionProblem, VERSION_HEADER } from "../../../src/core/api.js";
import { parsePutBody, specHash, type SessionRecord } from "../../../src/core/session.js";
import { planDelete, planPut, withTunnelUrl } from "../../../src/core/versioned-write.js";
import { memoryStore } from "../../../src/store/memory-store.js";

export interface StandinServer {
  url: string;
  port: number;
  writes(): number;
  records(): Promise<SessionRecord[]>;
  close(): Promise<void>;
}

export interface StandinOptions {
  token: string;
  port?: number;
  /** Answer POST .../tunnel (worker side). */
  tunnels?: boolean;
  tunnelUrl?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStandin(options: StandinOptions): Promise<StandinServer> {
  const store = memoryStore();
  let writes = 0;
  // Writes to one name are serialised, as the real stores' locks/versions do.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) => send(status, { error: { code, message } });
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === `${API_PREFIX}/check`) return send(200, { ok: true, version: API_VERSION });
      if (req.headers.authorization !== `Bearer ${options.token}`) return fail(401, "unauthorized", "missing or wrong token");
      const vp = versionProblem(req.headers[VERSION_HEADER] as string | undefined);
      if (vp) return fail(401, "version", vp);
      if (url.pathname === `${API_PREFIX}/sessions` && req.method === "GET") return send(200, { sessions: await store.list() });
      const m = /^\/linkup\/v1\/sessions\/([^/]+)(\/tunnel)?$/.exec(url.pathname);
      if (!m) return fail(404, "not-found", "no such route");
      const name = decodeURIComponent(m[1]!);
      if (m[2]) {
        if (!options.tunnels || req.method !== "POST") return fail(404, "not-found", "no such route");
        return serial(async () => {
          const current = await store.get(name);
          if (!current) return fail(404, "not-found", `session ${name} not found`);
          writes++;
          const tunnelUrl = options.tunnelUrl ?? "http://127.0.0.1:8790";
          await store.put(withTunnelUrl(current, tunnelUrl, new Date().toISOString()));
          send(200, { tunnel_url: tunnelUrl, hostname: "127.0.0.1", run_token: null });
        });
      }
      if (req.method === "GET") {
        const r = await store.get(name);
        return r ? send(200, r, { etag: etagOf(r.version) }) : fail(404, "not-found", `session ${name} not found`);
      }
      const ifMatch = parseIfMatch(req.headers["if-match"] as string | undefined);
      const ifNoneMatch = req.headers["if-none-match"] === "*";
      if (req.method === "PUT") {
        const text = await readBody(req);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return fail(400, "bad-json", "body is not JSON");
        }
        const parsed = parsePutBody(name, json);
        if (!parsed.ok) return fail(400, "bad-input", parsed.message);
        const hash = await specHash(parsed.body.spec);
        return serial(async () => {
          const d = planPut(name, await store.get(name), parsed.body, hash, new Date().toISOString(), {
            ...(ifMatch !== undefined ? { ifMatch } : {}),
            ifNoneMatch,
          });
          if (d.kind === "precondition-failed") return fail(412, "precondition-failed", d.message);
          writes++;
          await store.put(d.record);
          send(d.created ? 201 : 200, d.record, { etag: etagOf(d.record.version) });
        });
      }
      if (req.method === "DELETE")
        return serial(async () => {
          const d = planDelete(name, await store.get(name), ifMatch !== undefined ? { ifMatch } : {});
          if (d.kind === "not-found") return fail(404, "not-found", `session ${name} not found`);
          if (d.kind === "precondition-failed") return fail(412, "precondition-failed", d.message);
          writes++;
          await store.delete(name);
          send(204);
        });
      fail(405, "method", "method not allowed");
    })().catch((e: unknown) => fail(500, "internal", String(e)));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    writes: () => writes,
    records: () => store.list(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

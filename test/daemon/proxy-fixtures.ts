// Shared pieces for the local server tests: session records, real upstream servers, and raw
// node:http requests (fetch cannot set Host, and the proxy routes on it).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SessionRecord, SessionSpec } from "../../src/core/session.js";

export const DOMAIN = "example.test";

/** A spec with one domain whose default service is `web`; `api` takes `/api/...`. */
export function spec(web: string, api?: string): SessionSpec {
  return {
    type: "isolated",
    services: [
      ...(api ? [{ name: "api", route: "local", local: api, rewrites: [{ source: "^/api/", target: "/" }] }] : []),
      { name: "web", route: "local", local: web, rewrites: [] },
    ],
    domains: [{ domain: DOMAIN, default_service: "web", routes: api ? [{ path: "^/api/", service: "api" }] : [] }],
    cache_routes: [],
  };
}

export function sessionRecord(name: string, over: Partial<SessionRecord> = {}): SessionRecord {
  const now = new Date(0).toISOString();
  return {
    name,
    spec: spec("http://127.0.0.1:9"),
    version: 1,
    spec_hash: "0000000000000000",
    managed_by: null,
    tunnel_url: null,
    created_at: now,
    updated_at: now,
    ...over,
  };
}

export interface Upstream {
  url: string;
  server: http.Server;
  /** Requests seen, most recent last. */
  seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A real upstream; the default handler answers `<label> <path>` and records each request. */
export async function startUpstream(
  label: string,
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Upstream> {
  const seen: Upstream["seen"] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (handler) return handler(req, res);
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "text/plain");
      res.end(`${label} ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    seen,
    close: () => closeServer(server),
  };
}

export function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh connection (agent: false) so no test leaks sockets. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: false, signal: AbortSignal.timeout(10_000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export const TEST_TOKEN = "test-admin-token";
export const CLI_VERSION = "1.0.0";

/** Admin API call with the right Host, token and version unless the test overrides them. */
export function admin(
  adminUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const port = new URL(adminUrl).port;
  return request(`${adminUrl}${path}`, {
    method,
    headers: {
      host: `127.0.0.1:${port}`,
      authorization: `Bearer ${TEST_TOKEN}`,
      "x-linkup-version": CLI_VERSION,
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** PUT a session through the admin API and fail loudly if it is refused. */
export async function putSession(adminUrl: string, name: string, sessionSpec: SessionSpec): Promise<SessionRecord> {
  const res = await admin(adminUrl, "PUT", `/linkup/v1/sessions/${name}`, { body: { spec: sessionSpec } });
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${name}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as SessionRecord;
}

/** Request to the proxy for `<session>.example.test`. */
export function viaProxy(
  proxyUrl: string,
  session: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return request(`${proxyUrl}${path}`, { ...options, headers: { host: `${session}.${DOMAIN}`, ...options.headers } });
}

// The local admin API: the worker's session API (docs/architecture.md, "Session API") on its own
// loopback listener, for the CLI and the reconciler, plus GET /linkup/v1/status and the tunnel
// connector (PUT/GET/DELETE /linkup/v1/tunnel: the cloudflared this daemon supervises), and the
// unauthenticated GET /linkup/check (core/check.ts; after the Host and Origin checks).
//
// A web page in the developer's browser can reach 127.0.0.1 too, so before anything else a request
// must (1) name the admin host in Host (a DNS-rebinding page sends its own name), (2) carry no
// Origin (browsers send one on cross-origin requests; the CLI never does), (3) carry the machine's
// token, and (4) speak a compatible API version. Versions, If-Match and validation are the core's
// (parsePutBody, planPut, planDelete); writes go through the file store's lock, then into the
// proxy's registry so the next request routes with them.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_PREFIX, API_VERSION, MAX_BODY_BYTES, VERSION_HEADER, etagOf, versionProblem, type ApiErrorBody, type SessionList } from "../../core/api.js";
import { bearerToken, parsePreconditions } from "../../core/api-request.js";
import { isCheckPath, type LinkupCheck } from "../../core/check.js";
import { LinkupError } from "../../core/errors.js";
import { isDnsLabel } from "../../core/session-name.js";
import { parsePutBody, specHash, type SessionRecord } from "../../core/session.js";
import { planDelete, planPut, type DeleteDecision, type PutDecision } from "../../core/versioned-write.js";
import type { FileSessionStore } from "../../store/file-store.js";
import type { SessionRegistry } from "../session-registry.js";
import type { TunnelConnector, TunnelConnectorStatus } from "../cloudflared/tunnel-connector.js";

export interface LocalStatus {
  pid: number;
  version: string;
  ports: { proxy: number; admin: number; https: number | null; dns: number | null };
  sessions: number;
  started_at: string;
  tunnel: TunnelConnectorStatus;
}

export interface AdminApiOptions {
  store: FileSessionStore;
  registry: SessionRegistry;
  token: string;
  /** The port the admin listener is bound to (the only Host values accepted name it). */
  port: () => number;
  status: () => Promise<LocalStatus>;
  /** The cloudflared supervisor behind /linkup/v1/tunnel. */
  tunnel: TunnelConnector;
  /** Called on unexpected failures (the answer is a 500 without detail beyond the message). */
  onError?: (error: unknown) => void;
  /** The body of the unauthenticated GET /linkup/check (core/check.ts). */
  check?: () => LinkupCheck;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): void {
  const body: ApiErrorBody = { error: { code, message } };
  sendJson(res, status, body, headers);
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Constant time over equal-length digests: neither the token's length nor a prefix leaks. */
function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

type BodyResult = { ok: true; text: string } | { ok: false; status: number; code: string; message: string };

/** The body up to MAX_BODY_BYTES; counted as it arrives because Content-Length may be absent or lie. */
function readBody(req: IncomingMessage): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, code: "body-too-large", message: `request body is larger than ${MAX_BODY_BYTES} bytes` };
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      try {
        resolve({ ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, status: 400, code: "invalid-json", message: "request body is not valid UTF-8" });
      }
    });
    req.on("error", reject);
  });
}

type JsonResult = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

/** The body parsed as JSON, or the 400/413 answer to give. */
async function readJsonBody(req: IncomingMessage): Promise<JsonResult> {
  const raw = await readBody(req);
  if (!raw.ok) return raw;
  try {
    return { ok: true, value: JSON.parse(raw.text) };
  } catch (error) {
    return { ok: false, status: 400, code: "invalid-json", message: `request body is not valid JSON: ${(error as Error).message}` };
  }
}

export function createAdminApi(options: AdminApiOptions): Handler {
  const { store, registry, token } = options;

  /** Host must be the admin listener itself: anything else is a rebinding page or a confused client. */
  function hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const h = host.toLowerCase();
    const port = options.port();
    return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  }

  function recordResponse(res: ServerResponse, record: SessionRecord, status: number): void {
    sendJson(res, status, record, { etag: etagOf(record.version) });
  }

  async function getSession(res: ServerResponse, name: string): Promise<void> {
    const record = await store.get(name);
    if (!record) return sendError(res, 404, "session-not-found", `session ${name} does not exist`);
    recordResponse(res, record, 200);
  }

  async function putSession(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const pre = parsePreconditions(req.headers["if-match"], req.headers["if-none-match"]);
    if (!pre.ok) return sendError(res, 400, pre.code, pre.message);
    const parsedBody = await readJsonBody(req);
    if (!parsedBody.ok) return sendError(res, parsedBody.status, parsedBody.code, parsedBody.message);
    const input = parsedBody.value;
    const parsed = parsePutBody(name, input);
    if (!parsed.ok) return sendError(res, 400, "invalid-session", parsed.message);
    const hash = await specHash(parsed.body.spec);
    // The precondition is checked and the record written under one lock: no lost update between.
    const decision = await store.update<PutDecision>(name, (current) => {
      const d = planPut(name, current, parsed.body, hash, new Date().toISOString(), pre.pre);
      return { next: d.kind === "write" ? d.record : undefined, result: d };
    });
    if (decision.kind === "precondition-failed")
      return sendError(res, 412, "precondition-failed", decision.message, decision.current ? { etag: etagOf(decision.current.version) } : {});
    registry.apply(decision.record);
    recordResponse(res, decision.record, decision.created ? 201 : 200);
  }

  async function deleteSession(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const pre = parsePreconditions(req.headers["if-match"], req.headers["if-none-match"]);
    if (!pre.ok) return sendError(res, 400, pre.code, pre.message);
    const decision = await store.update<DeleteDecision>(name, (current) => {
      const d = planDelete(name, current, pre.pre);
      return { next: d.kind === "delete" ? null : undefined, result: d };
    });
    if (decision.kind === "not-found") return sendError(res, 404, "session-not-found", `session ${name} does not exist`);
    if (decision.kind === "precondition-failed")
      return sendError(res, 412, "precondition-failed", decision.message, { etag: etagOf(decision.current.version) });
    registry.remove(name);
    res.writeHead(204, { "cache-control": "no-store" });
    res.end();
  }

  async function putTunnel(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsedBody = await readJsonBody(req);
    if (!parsedBody.ok) return sendError(res, parsedBody.status, parsedBody.code, parsedBody.message);
    const input = parsedBody.value;
    const body = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    const { run_token, hostname, session } = body;
    if (typeof run_token !== "string" || run_token.length === 0 || run_token.length > 8192)
      return sendError(res, 400, "invalid-tunnel", "run_token must be a non-empty string (the tunnel's run token from the worker)");
    if (typeof hostname !== "string" || !isHostname(hostname))
      return sendError(res, 400, "invalid-tunnel", "hostname must be the tunnel's DNS name, e.g. linkup-tunnel-<session>.<tunnel zone>");
    if (session !== undefined && (typeof session !== "string" || !isDnsLabel(session)))
      return sendError(res, 400, "invalid-tunnel", "session must be a session name (a DNS label)");
    try {
      const status = await options.tunnel.connect({ run_token, hostname: hostname.toLowerCase(), ...(session !== undefined ? { session } : {}) });
      sendJson(res, 200, status);
    } catch (error) {
      // Unprocessable rather than a server fault: the daemon works, this machine lacks the binary.
      if (error instanceof LinkupError && error.code === "cloudflared-missing") return sendError(res, 422, error.code, error.message);
      throw error;
    }
  }

  async function tunnelRoute(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (method === "GET") return sendJson(res, 200, await options.tunnel.status());
    if (method === "PUT") return putTunnel(req, res);
    if (method === "DELETE") {
      await options.tunnel.disconnect();
      res.writeHead(204, { "cache-control": "no-store" });
      res.end();
      return;
    }
    sendError(res, 405, "method-not-allowed", `${method} is not allowed here; use GET, PUT, DELETE`, { allow: "GET, PUT, DELETE" });
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const notAllowed = (allow: string) =>
      sendError(res, 405, "method-not-allowed", `${method} is not allowed here; use ${allow}`, { allow });

    if (!path.startsWith(API_PREFIX + "/")) return sendError(res, 404, "not-found", `no Linkup API endpoint at ${path.slice(0, 200)}`);
    const rest = path.slice(API_PREFIX.length);
    if (rest === "/check") return method === "GET" ? sendJson(res, 200, { ok: true, version: API_VERSION }) : notAllowed("GET");
    if (rest === "/status") return method === "GET" ? sendJson(res, 200, await options.status()) : notAllowed("GET");
    if (rest === "/tunnel") return tunnelRoute(req, res, method);
    if (rest === "/sessions") {
      if (method !== "GET") return notAllowed("GET");
      const list: SessionList = { sessions: await store.list() };
      return sendJson(res, 200, list);
    }
    const m = /^\/sessions\/([^/]+)(\/tunnel)?$/.exec(rest);
    if (!m) return sendError(res, 404, "not-found", `no Linkup API endpoint at ${path.slice(0, 200)}`);
    let name: string;
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      name = m[1]!;
    }
    if (!isDnsLabel(name))
      return sendError(res, 400, "invalid-session-name", `invalid session name "${name.slice(0, 80)}": use a DNS label (a-z, 0-9, '-', at most 63 characters)`);
    if (m[2])
      return sendError(res, 404, "not-found", "tunnels are started through the worker's API; the local admin API has no tunnel endpoint");
    if (method === "GET") return getSession(res, name);
    if (method === "PUT") return putSession(req, res, name);
    if (method === "DELETE") return deleteSession(req, res, name);
    return notAllowed("GET, PUT, DELETE");
  }

  return (req, res) => {
    if (!hostAllowed(req.headers.host)) {
      req.resume();
      return sendError(res, 403, "forbidden-host", `the admin API only answers requests for 127.0.0.1:${options.port()} or localhost:${options.port()}`);
    }
    if (req.headers.origin !== undefined) {
      req.resume();
      return sendError(res, 403, "forbidden-origin", "the admin API does not answer browser requests (an Origin header was sent)");
    }
    // Liveness for monitors and for a starting Linkup that finds this port taken: no token needed.
    if (isCheckPath(req.url ?? "/")) {
      req.resume();
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendError(res, 405, "method-not-allowed", `${req.method} is not allowed here; use GET`, { allow: "GET, HEAD" });
      return sendJson(res, 200, options.check?.() ?? { linkup: true });
    }
    const given = bearerToken(req.headers.authorization);
    if (given === undefined || !tokensEqual(given, token)) {
      req.resume();
      return sendError(
        res,
        401,
        "unauthorized",
        given === undefined
          ? "Missing or malformed Authorization header: send `Authorization: Bearer <token from the admin-token file in the Linkup state directory>`."
          : "The admin token is wrong: it is read from the admin-token file in the Linkup state directory.",
        { "www-authenticate": 'Bearer realm="linkup-local"' },
      );
    }
    const problem = versionProblem(firstHeader(req.headers[VERSION_HEADER]));
    if (problem) {
      req.resume();
      return sendError(res, 401, "unsupported-version", problem);
    }
    dispatch(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) sendError(res, 500, "internal", error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  };
}

/** A DNS name of labels (the tunnel hostname); cloudflared only needs it for our readiness check. */
function isHostname(name: string): boolean {
  const h = name.toLowerCase();
  return h.length <= 253 && h.includes(".") && h.split(".").every(isDnsLabel);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

// Mentimeter's Linkup server tests (server-tests/tests/*.rs in mentimeter/linkup), ported as one
// table of cases that each host runs over real sockets: test/worker/mentimeter-parity.test.ts
// against the worker under workerd, test/daemon/mentimeter-parity.test.ts against the local
// server. The requests are shaped as Mentimeter's tests send them: addressed to the server's IP
// and port, the session named by `tracestate`, the domain by a bare `Referer: example.com`, and a
// `traceparent` that is not even a valid trace id. docs/migrating.md lists how each case fares.
import { request as httpRequest, createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";

/** What a case needs from a host: where it listens and how to put a session in it. */
export interface ParityHost {
  /** `worker` or `local server`, for messages. */
  name: string;
  /** Base URL with the host's IP address and port, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Stores session `name` with one service `frontend` at `upstreamUrl` on domain example.com (Mentimeter's seed_session). */
  seed(name: string, upstreamUrl: string): Promise<void>;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
}

/** One GET over a fresh connection, no redirect following (Mentimeter's client sets Policy::none). */
export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false, signal: AbortSignal.timeout(15_000) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Mentimeter's `get_session`: tracestate names the session, Referer (without scheme) the domain. */
export function getSession(url: string, destination: string, session: string): Promise<Answer> {
  return get(url, { traceparent: "xzyabc", tracestate: `linkup-session=${session}`, referer: destination });
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

/** Mentimeter's `setup_underlying_server`: /redirect answers 307, /cookies two Set-Cookie, anything else the name. */
export async function startUnderlying(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === "/redirect") {
      res.writeHead(307, { location: "/somethingelse" });
      return res.end();
    }
    if (req.url === "/cookies") {
      res.writeHead(200, [
        ["set-cookie", "cookie1=value1; Path=/"],
        ["set-cookie", "cookie2=value2; Path=/"],
      ]);
      return res.end();
    }
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Mentimeter's `setup_websocket_server`: echoes text on /ws, adds `my-special-header` to its 101, answers a close with a close. */
export async function startWebSocketUnderlying(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({ noServer: true });
  wss.on("headers", (headers) => headers.push("my-special-header: special-value"));
  wss.on("connection", (ws) => ws.on("message", (data, isBinary) => (isBinary ? undefined : ws.send(data.toString()))));
  server.on("upgrade", (req, socket, head) => {
    if (req.url !== "/ws") return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The proxying cases of Mentimeter's server tests, registered with vitest for one host. The two
 * worker-API cases (`worker_can_create_session`, `worker_can_create_preview`) live with the legacy
 * endpoints in test/worker/legacy-api.test.ts; the liveness cases are the `/linkup/check` one below.
 */
export function mentimeterServerCases(host: () => ParityHost, started: Server[]): void {
  async function underlying(): Promise<string> {
    const s = await startUnderlying("under_fe");
    started.push(s);
    return s.url;
  }

  // Mentimeter's can_respond_to_health_check / worker_can_respond_to_health_check: GET /linkup/check
  // answers 200 on both hosts. Mentimeter's worker wants its token there (401 without); ours
  // answers without one too (core/check.ts: nothing in the answer is secret), so both forms pass.
  it("can_respond_to_health_check: GET /linkup/check answers 200, with or without a token, even for a session's host", async () => {
    const variants: Record<string, string>[] = [{}, { authorization: "Bearer token123" }, { tracestate: "linkup-session=potatosession", referer: "example.com" }];
    for (const headers of variants) {
      const res = await get(`${host().url}/linkup/check`, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ linkup: true, role: host().name === "worker" ? "worker" : "local-proxy" });
    }
  });

  it("no_such_session: a request naming no session answers 422", async () => {
    const res = await get(`${host().url}/anypath`, { authorization: "Bearer token123", "x-linkup-version": "99.99.99" });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`Linkup ${host().name}`);
  });

  it("can_request_underlying_server: session from tracestate, domain from a bare Referer, on an IP-addressed URL", async () => {
    await host().seed("potatosession", await underlying());
    const res = await getSession(`${host().url}/anypath`, "example.com", "potatosession");
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe("under_fe");
  });

  it("does_not_follow_redirects: the upstream's 307 and its relative Location reach the client unchanged", async () => {
    await host().seed("potatosession", await underlying());
    const res = await getSession(`${host().url}/redirect`, "example.com", "potatosession");
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe("/somethingelse");
  });

  it("maintains_multiple_set_cookie_headers: two Set-Cookie headers stay two, in order", async () => {
    await host().seed("potatosession", await underlying());
    const res = await getSession(`${host().url}/cookies`, "example.com", "potatosession");
    expect(res.status).toBe(200);
    const values: string[] = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === "set-cookie") values.push(res.rawHeaders[i + 1]!);
    expect(values).toEqual(["cookie1=value1; Path=/", "cookie2=value2; Path=/"]);
  });

  it("can_request_underlying_websocket_server: 101 with the upstream's own header, text echo, clean close", async () => {
    const ws = await startWebSocketUnderlying();
    started.push(ws);
    await host().seed("ws-session", ws.url);
    const authority = new URL(host().url).host;
    const client = new WebSocket(`ws://${authority}/ws`, {
      headers: { referer: "example.com", traceparent: "xzyabc", tracestate: "linkup-session=ws-session" },
    });
    const upgrade = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      client.once("upgrade", (res) => resolve(res.headers));
      client.once("error", reject);
      client.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
    await new Promise<void>((resolve) => (client.readyState === WebSocket.OPEN ? resolve() : client.once("open", () => resolve())));
    expect(upgrade["my-special-header"]).toBe("special-value");

    const echoed = new Promise<string>((resolve) => client.once("message", (data) => resolve(data.toString())));
    client.send("Hello, WebSocket!");
    expect(await echoed).toBe("Hello, WebSocket!");

    // Mentimeter accepts a close frame back or the stream simply ending; `close` fires for both.
    const closed = new Promise<number>((resolve) => client.once("close", (code) => resolve(code)));
    client.close();
    expect([1000, 1005, 1006]).toContain(await closed);
  });
}

// Test harness for the edge worker: the real bundle under Miniflare (via the embedded host) on a
// free port with a temporary state dir, plus helpers to call the API and to send proxied requests
// over a real socket with any Host header (Node's fetch cannot set Host).
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_PREFIX, API_VERSION, VERSION_HEADER } from "../../src/core/api.js";
import { startEmbeddedWorker, type EmbeddedWorker } from "../../src/daemon/embedded-worker/worker-host.js";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Raw header list, to see repeated headers such as Set-Cookie. */
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export interface RawRequest {
  /** Host header, e.g. `smart-snake.example.com`. */
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface WorkerHarness extends EmbeddedWorker {
  token: string;
  stateDir: string;
  /** A session API call with the right token and version header (override either through `headers`; null removes). */
  api(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string | null> }): Promise<ApiAnswer>;
  /** A request over a real socket to the worker with the given Host header. */
  send(req: RawRequest): Promise<RawAnswer>;
  kv(binding: "LINKUP_SESSIONS" | "LINKUP_TUNNELS"): Promise<KvLike>;
  /** Every line the worker has written so far (console.log/error), oldest first. */
  logs(): { level: string; message: string }[];
}

/** The part of Miniflare's KV proxy the tests use. */
export interface KvLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

export interface WorkerHarnessOptions {
  token?: string;
  vars?: Record<string, string>;
}

export async function startWorkerHarness(options: WorkerHarnessOptions = {}): Promise<WorkerHarness> {
  const token = options.token ?? "test-worker-token-" + Math.random().toString(36).slice(2);
  const stateDir = await mkdtemp(join(tmpdir(), "linkup-worker-test-"));
  let worker: EmbeddedWorker;
  // Kept for the tests to read (the request log lines), instead of going to the test's stdout.
  const logs: { level: string; message: string }[] = [];
  try {
    worker = await startEmbeddedWorker({
      port: 0,
      stateDir,
      token,
      ...(options.vars ? { vars: options.vars } : {}),
      onLog: (entry) => {
        logs.push(entry);
      },
    });
  } catch (err) {
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }

  async function api(method: string, path: string, init: { body?: unknown; headers?: Record<string, string | null> } = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, [VERSION_HEADER]: API_VERSION };
    for (const [k, v] of Object.entries(init.headers ?? {})) {
      if (v === null) delete headers[k.toLowerCase()];
      else headers[k.toLowerCase()] = v;
    }
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(worker.url + API_PREFIX + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  function send(req: RawRequest): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const r = httpRequest(
        {
          host: "127.0.0.1",
          port: worker.port,
          path: req.path ?? "/",
          method: req.method ?? "GET",
          headers: { ...req.headers, host: req.host },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString("utf8") });
          });
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
  }

  return {
    ...worker,
    token,
    stateDir,
    api,
    send,
    kv: async (binding) => (await worker.miniflare.getKVNamespace(binding)) as unknown as KvLike,
    logs: () => [...logs],
    async close() {
      try {
        await worker.close();
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
}

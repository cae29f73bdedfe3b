// A minimal Cloudflare API v4 caller: Bearer auth, the {success, errors, messages, result}
// envelope, and errors turned into RemoteError messages a user can act on (Cloudflare's own
// codes and messages, never the token). fetch only, so the worker and the Node infra client share it.
import { RemoteError } from "../core/errors.js";

/** Cloudflare's API v4; CLOUDFLARE_API_BASE replaces it (tests point it at a local stand-in). */
export const CLOUDFLARE_API_BASE = "https://api.cloudflare.com/client/v4";

export interface CloudflareApiOptions {
  /** Default CLOUDFLARE_API_BASE. */
  apiBase?: string;
  apiToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface CloudflareCall {
  /** What we were doing, for the error message: "create tunnel linkup-tunnel-x". */
  what: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialised here) ... */
  json?: unknown;
  /** ... or a ready-made body such as FormData (script upload). */
  body?: BodyInit;
}

export interface CloudflareApi {
  call<T>(method: string, path: string, call: CloudflareCall): Promise<T>;
  /** Same, for list endpoints: follows page/per_page pagination until result_info says it is done. */
  list<T>(path: string, call: CloudflareCall): Promise<T[]>;
}

interface Envelope {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  messages?: { code?: number; message?: string }[];
  result?: unknown;
  result_info?: { page?: number; per_page?: number; total_pages?: number; count?: number; total_count?: number };
}

/** True when a Cloudflare call failed because the thing is not there (HTTP 404). */
export function isCloudflareNotFound(err: unknown): boolean {
  return err instanceof RemoteError && err.code === "cloudflare-api" && err.status === 404;
}

export function cloudflareApi(options: CloudflareApiOptions): CloudflareApi {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = (options.apiBase ?? CLOUDFLARE_API_BASE).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function raw(method: string, path: string, call: CloudflareCall): Promise<Envelope> {
    const url = new URL(`${base}/${path.replace(/^\/+/, "")}`);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiToken}` };
    let body: BodyInit | undefined = call.body;
    if (call.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.json);
    }
    let res: Response;
    try {
      res = await doFetch(url.toString(), { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new RemoteError("cloudflare-unreachable", `Cloudflare API: could not ${call.what}: ${base} unreachable (${why})`, {
        cause: err,
        hint: "Check the network and CLOUDFLARE_API_BASE.",
      });
    }
    const text = await res.text();
    let env: Envelope | undefined;
    try {
      env = JSON.parse(text) as Envelope;
    } catch {
      env = undefined;
    }
    if (!res.ok || !env || env.success !== true) {
      const details = (env?.errors ?? []).map((e) => `[${e.code ?? "?"}] ${e.message ?? "no message"}`).join("; ");
      const summary = details || (env ? "no error details" : `non-JSON answer: ${text.slice(0, 120)}`);
      const hint =
        res.status === 401 || res.status === 403
          ? "Check that the API token is valid and has the permissions listed in docs/deploying.md (in the linkup package)."
          : undefined;
      throw new RemoteError("cloudflare-api", `Cloudflare API: could not ${call.what} (HTTP ${res.status}): ${summary}`, {
        status: res.status,
        ...(hint ? { hint } : {}),
      });
    }
    return env;
  }

  return {
    async call<T>(method: string, path: string, call: CloudflareCall): Promise<T> {
      return (await raw(method, path, call)).result as T;
    },
    async list<T>(path: string, call: CloudflareCall): Promise<T[]> {
      const out: T[] = [];
      for (let page = 1; ; page++) {
        const env = await raw("GET", path, { ...call, query: { per_page: 100, ...call.query, page } });
        const items = (env.result as T[] | null) ?? [];
        out.push(...items);
        const info = env.result_info;
        const more = info?.total_pages !== undefined ? page < info.total_pages : items.length >= (info?.per_page ?? 100);
        if (!more || items.length === 0) return out;
      }
    },
  };
}

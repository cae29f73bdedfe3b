// The one HTTP wrapper both session API clients use: bearer token, version header, JSON, a
// timeout on every request, and server errors turned into LinkupErrors carrying the server's
// own message (412 -> ConflictError so apply can re-read and retry).
import { API_VERSION, VERSION_HEADER, type ApiErrorBody } from "../core/api.js";
import { ConflictError, RemoteError } from "../core/errors.js";
import { fetchWithTimeout } from "./ref-timeout.js";

/** One API call as `linkup -v` shows it: method, URL (never the token), status and time taken. */
export interface ApiCall {
  method: string;
  url: string;
  /** null when no answer came (unreachable, timed out). */
  status: number | null;
  ms: number;
  error?: string;
}

export type ApiTrace = (call: ApiCall) => void;

export interface ApiFetchOptions {
  baseUrl: string;
  /** Read lazily: the admin token file may appear only once the local server has started. */
  token: () => string | undefined;
  /** What to call the server in messages ("worker", "local server"). */
  label: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The error when no token could be read and the server refused the request for it (401). */
  missingToken?: () => Error;
  /** Sees every call once it has an answer or failed (`linkup -v`). */
  trace?: ApiTrace;
}

export interface ApiResponse<T> {
  status: number;
  body: T | undefined;
  etag: string | null;
  headers: Headers;
}

export interface ApiCallInit {
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses answered with their body instead of an error (404 for "not there"). */
  okStatuses?: number[];
  /** This call's timeout, instead of the client's. */
  timeoutMs?: number;
}

export type ApiFetch = <T>(method: string, path: string, init?: ApiCallInit) => Promise<ApiResponse<T>>;

const DEFAULT_TIMEOUT_MS = 10_000;

export function apiFetch(options: ApiFetchOptions): ApiFetch {
  const doFetch = options.fetch ?? fetch;
  return async function call<T>(method: string, path: string, init: ApiCallInit = {}): Promise<ApiResponse<T>> {
    const url = `${options.baseUrl}${path}`;
    const headers: Record<string, string> = { [VERSION_HEADER]: API_VERSION, accept: "application/json", ...init.headers };
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let text: string;
    try {
      res = await fetchWithTimeout(
        url,
        { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) },
        init.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        doFetch,
      );
      text = await res.text();
    } catch (e) {
      const reason = (e as Error)?.name === "TimeoutError" ? "timed out" : ((e as { cause?: Error })?.cause?.message ?? (e as Error).message);
      options.trace?.({ method, url, status: null, ms: elapsed(), error: reason });
      throw new RemoteError("remote-unreachable", `cannot reach the ${options.label} at ${options.baseUrl}: ${reason}`, { cause: e });
    }
    options.trace?.({ method, url, status: res.status, ms: elapsed() });
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok || init.okStatuses?.includes(res.status)) return { status: res.status, body: body as T, etag: res.headers.get("etag"), headers: res.headers };
    const err = (body as ApiErrorBody | undefined)?.error;
    const message = err?.message ?? (text.slice(0, 200) || res.statusText);
    const where = `${options.label} ${method} ${path}`;
    if (res.status === 412) throw new ConflictError(err?.code ?? "conflict", `${where}: ${message}`);
    if (res.status === 401 && !token && options.missingToken) throw options.missingToken();
    throw new RemoteError(err?.code ?? `http-${res.status}`, `${where} failed (${res.status}): ${message}`, {
      status: res.status,
      ...(res.status === 401 ? { hint: `check the token for the ${options.label}` } : {}),
    });
  };
}

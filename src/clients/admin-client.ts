// The typed client of the local server's admin API, `http://127.0.0.1:<adminPort>/linkup/v1`: the
// session API (the same SessionApi the worker client offers) plus the local server's own endpoints:
// /status, /tunnel, the request log (/requests, and /requests/stream read as server-sent events)
// and the dashboard's one-time login (/dashboard/code). The token is the one the local server writes to `<stateDir>/admin-token`,
// read on each request because the server may create it after this client was built (e.g. right
// after `start` spawned it). Wire types come from src/core.
import { API_PREFIX, API_VERSION, VERSION_HEADER, type ApiErrorBody } from "../core/api.js";
import { CredentialsError, LinkupError, RemoteError } from "../core/errors.js";
import type { DashboardCode, DashboardContext, LocalStatus, RequestList, TunnelConnectRequest, TunnelConnectorStatus } from "../core/local-api.js";
import type { RequestFilter, RequestRecord } from "../core/request-record.js";
import { readEvents } from "./event-stream.js";
import { adminUrl } from "../core/settings.js";
import { apiFetch, type ApiFetchOptions } from "./api-fetch.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
import type { ApiTrace } from "./api-fetch.js";
// The token file is the local server's: read it with the same code that writes it.
import { adminTokenPath, readAdminToken } from "../machine/admin-token.js";

export interface AdminClientOptions {
  stateDir: string;
  /** settings.ports.admin (core/settings.ts). */
  adminPort: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Every call, for `linkup -v`. */
  trace?: ApiTrace;
  /** Writes as server-side dry runs (`--dry-run=server`). */
  dryRun?: boolean;
}

export interface LocalAdminApi extends SessionApi {
  readonly placement: "local";
  /** GET /status: pid, version, ports, session count, the tunnel connector. */
  status(options?: { timeoutMs?: number }): Promise<LocalStatus>;
  /** GET /tunnel: the cloudflared the local server runs. */
  tunnelStatus(options?: { timeoutMs?: number }): Promise<TunnelConnectorStatus>;
  /**
   * PUT /tunnel: start (or keep, or replace) the supervised cloudflared. A machine without
   * cloudflared is a LinkupError "cloudflared-missing" whose message is the install instruction.
   */
  connectTunnel(request: TunnelConnectRequest): Promise<TunnelConnectorStatus>;
  /** DELETE /tunnel. */
  disconnectTunnel(): Promise<void>;
  /** GET /requests: the request log's newest records (oldest first). */
  requests(filter?: RequestFilter & { limit?: number }): Promise<RequestList>;
  /**
   * GET /requests/stream: each matching record as it is routed (after the backlog, limited to
   * `backlog` records), until `signal` aborts or the local server goes away.
   */
  followRequests(filter: RequestFilter & { backlog?: number }, signal: AbortSignal): AsyncGenerator<RequestRecord>;
  /** POST /dashboard/code: a one-time login path for the dashboard, carrying `context`. */
  dashboardCode(context: DashboardContext): Promise<DashboardCode>;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : "";
}

export function adminClient(options: AdminClientOptions): LocalAdminApi {
  const http: ApiFetchOptions = {
    baseUrl: `${adminUrl(options.adminPort)}${API_PREFIX}`,
    token: () => readAdminToken(options.stateDir),
    label: "local server",
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    missingToken: () =>
      new CredentialsError(
        "admin-token-missing",
        `the local server at ${adminUrl(options.adminPort)} is running, but its admin token file ${adminTokenPath(options.stateDir)} is missing or empty, so this command cannot talk to it`,
        { hint: "run `linkup stop`, then `linkup start` (or `linkup apply`): the local server writes a new token when it starts; sessions are kept" },
      ),
    ...(options.trace ? { trace: options.trace } : {}),
  };
  const call = apiFetch(http);
  const timeout = (o: { timeoutMs?: number }) => (o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
  return {
    ...httpSessionApi("local", http, false, { dryRun: options.dryRun ?? false }),
    placement: "local",
    async status(o = {}) {
      return (await call<LocalStatus>("GET", "/status", timeout(o))).body!;
    },
    async tunnelStatus(o = {}) {
      return (await call<TunnelConnectorStatus>("GET", "/tunnel", timeout(o))).body!;
    },
    async connectTunnel(request) {
      const put = await call<TunnelConnectorStatus | ApiErrorBody>("PUT", "/tunnel", { body: request, okStatuses: [422] });
      if (put.status === 422) {
        const err = (put.body as ApiErrorBody).error;
        // The daemon's message is already the one-line install instruction.
        throw new LinkupError(err.code, err.message);
      }
      return put.body as TunnelConnectorStatus;
    },
    async disconnectTunnel() {
      await call("DELETE", "/tunnel");
    },
    async requests(filter = {}) {
      return (await call<RequestList>("GET", `/requests${query({ session: filter.session, service: filter.service, limit: filter.limit })}`)).body!;
    },
    async *followRequests(filter, signal) {
      const path = `/requests/stream${query({ session: filter.session, service: filter.service, limit: filter.backlog })}`;
      const token = readAdminToken(options.stateDir);
      let res: Response;
      try {
        // No timeout: the stream is meant to stay open; `signal` ends it.
        res = await (options.fetch ?? fetch)(`${http.baseUrl}${path}`, {
          headers: { accept: "text/event-stream", [VERSION_HEADER]: API_VERSION, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          signal,
        });
      } catch (e) {
        if (signal.aborted) return;
        throw new RemoteError("remote-unreachable", `cannot reach the local server at ${http.baseUrl}: ${(e as { cause?: Error })?.cause?.message ?? (e as Error).message}`, {
          cause: e,
        });
      }
      if (!res.ok || !res.body) {
        const text = await res.text().catch(() => "");
        let message = text.slice(0, 200);
        try {
          message = (JSON.parse(text) as ApiErrorBody).error.message;
        } catch {
          // not the API's JSON
        }
        throw new RemoteError(`http-${res.status}`, `local server GET ${path} failed (${res.status}): ${message}`, { status: res.status });
      }
      for await (const event of readEvents(res.body, signal)) if (event.event === "request") yield JSON.parse(event.data) as RequestRecord;
    },
    async dashboardCode(context) {
      return (await call<DashboardCode>("POST", "/dashboard/code", { body: context })).body!;
    },
  };
}

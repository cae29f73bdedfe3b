// The typed client of the local server's admin API, `http://127.0.0.1:<adminPort>/linkup/v1`: the
// session API (the same SessionApi the worker client offers) plus the local server's own endpoints,
// /status and /tunnel. The token is the one the local server writes to `<stateDir>/admin-token`,
// read on each request because the server may create it after this client was built (e.g. right
// after `start` spawned it). Wire types come from src/core.
import { API_PREFIX, type ApiErrorBody } from "../core/api.js";
import { LinkupError } from "../core/errors.js";
import type { LocalStatus, TunnelConnectRequest, TunnelConnectorStatus } from "../core/local-api.js";
import { adminUrl } from "../core/settings.js";
import { apiFetch, type ApiFetchOptions } from "./api-fetch.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
// The token file is the local server's: read it with the same code that writes it.
import { readAdminToken } from "../machine/admin-token.js";

export interface AdminClientOptions {
  stateDir: string;
  /** settings.ports.admin (core/settings.ts). */
  adminPort: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
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
}

export function adminClient(options: AdminClientOptions): LocalAdminApi {
  const http: ApiFetchOptions = {
    baseUrl: `${adminUrl(options.adminPort)}${API_PREFIX}`,
    token: () => readAdminToken(options.stateDir),
    label: "local server",
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const call = apiFetch(http);
  const timeout = (o: { timeoutMs?: number }) => (o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
  return {
    ...httpSessionApi("local", http, false),
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
  };
}

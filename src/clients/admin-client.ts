// The typed client of the local server's admin API, `http://127.0.0.1:<adminPort>/linkup/v1`: the
// session API (the same SessionApi the worker client offers) plus the local server's own endpoints,
// /status and /tunnel. The token is the one the local server writes to `<stateDir>/admin-token`,
// read on each request because the server may create it after this client was built (e.g. right
// after `start` spawned it). Wire types come from src/core.
import { API_PREFIX, type ApiErrorBody } from "../core/api.js";
import { LinkupError } from "../core/errors.js";
import type { LocalStatus, TunnelConnectRequest, TunnelConnectorStatus } from "../core/local-api.js";
import { apiFetch, type ApiFetchOptions } from "./api-fetch.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
import { DEFAULT_PORTS } from "../core/defaults.js";
import { readAdminToken } from "../machine/admin-token.js";

export const DEFAULT_ADMIN_PORT = DEFAULT_PORTS.admin;
// The token file is the local server's: read it with the same code that writes it.
export { ADMIN_TOKEN_FILE, readAdminToken } from "../machine/admin-token.js";

export interface AdminClientOptions {
  stateDir: string;
  adminPort?: number;
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

export function adminBaseUrl(adminPort: number = DEFAULT_ADMIN_PORT): string {
  return `http://127.0.0.1:${adminPort}`;
}

export function adminClient(options: AdminClientOptions): LocalAdminApi {
  const http: ApiFetchOptions = {
    baseUrl: `${adminBaseUrl(options.adminPort)}${API_PREFIX}`,
    token: () => readAdminToken(options.stateDir),
    label: "local server",
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const call = apiFetch(http);
  const sessions = httpSessionApi("local", http, false);
  return {
    ...sessions,
    placement: "local",
    async status(o = {}) {
      return (await call<LocalStatus>("GET", "/status", o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {})).body!;
    },
    async tunnelStatus(o = {}) {
      return (await call<TunnelConnectorStatus>("GET", "/tunnel", o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {})).body!;
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

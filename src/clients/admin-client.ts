// SessionApi for the local server's admin API: `http://127.0.0.1:<adminPort>/linkup/v1`, with the
// token the local server writes to `<stateDir>/admin-token` (read on each request, because the
// server may create it after this client was built, e.g. right after `start` spawned it).
import { API_PREFIX } from "../core/api.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
import { DEFAULT_PORTS } from "../core/defaults.js";
import { adminTokenPath, readAdminToken } from "../machine/admin-token.js";
import { CredentialsError } from "../core/errors.js";

export const DEFAULT_ADMIN_PORT = DEFAULT_PORTS.admin;
// The token file is the local server's: read it with the same code that writes it.
export { ADMIN_TOKEN_FILE, readAdminToken } from "../machine/admin-token.js";

export interface AdminClientOptions {
  stateDir: string;
  adminPort?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function adminBaseUrl(adminPort: number = DEFAULT_ADMIN_PORT): string {
  return `http://127.0.0.1:${adminPort}`;
}

export function adminClient(options: AdminClientOptions): SessionApi {
  return httpSessionApi(
    "local",
    {
      baseUrl: `${adminBaseUrl(options.adminPort)}${API_PREFIX}`,
      token: () => readAdminToken(options.stateDir),
      label: "local server",
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      missingToken: () =>
        new CredentialsError(
          "admin-token-missing",
          `the local server at ${adminBaseUrl(options.adminPort)} is running, but its admin token file ${adminTokenPath(options.stateDir)} is missing or empty, so this command cannot talk to it`,
          { hint: "run `linkup stop`, then `linkup start` (or `linkup apply`): the local server writes a new token when it starts; sessions are kept" },
        ),
    },
    false,
  );
}

// SessionApi for the local server's admin API: `http://127.0.0.1:<adminPort>/linkup/v1`, with the
// token the local server writes to `<stateDir>/admin-token` (read on each request, because the
// server may create it after this client was built, e.g. right after `start` spawned it).
import { API_PREFIX } from "../core/api.js";
import { adminUrl } from "../core/settings.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
import type { ApiTrace } from "./api-fetch.js";
// The token file is the local server's: read it with the same code that writes it.
import { readAdminToken } from "../machine/admin-token.js";

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

export function adminClient(options: AdminClientOptions): SessionApi {
  return httpSessionApi(
    "local",
    {
      baseUrl: `${adminUrl(options.adminPort)}${API_PREFIX}`,
      token: () => readAdminToken(options.stateDir),
      label: "local server",
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
    },
    false,
    { dryRun: options.dryRun ?? false },
  );
}

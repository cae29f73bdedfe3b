// SessionApi for the local server's admin API: `http://127.0.0.1:<adminPort>/linkup/v1`, with the
// token the local server writes to `<stateDir>/admin-token` (read on each request, because the
// server may create it after this client was built, e.g. right after `start` spawned it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { API_PREFIX } from "../../core/api.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";

export const DEFAULT_ADMIN_PORT = 8791;
export const ADMIN_TOKEN_FILE = "admin-token";

export interface AdminClientOptions {
  stateDir: string;
  adminPort?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function readAdminToken(stateDir: string): string | undefined {
  try {
    return readFileSync(join(stateDir, ADMIN_TOKEN_FILE), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function adminBaseUrl(adminPort = DEFAULT_ADMIN_PORT): string {
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
    },
    false,
  );
}

// SessionApi for the edge worker: `<worker_url>/linkup/v1`, bearer `worker_token`.
import { API_PREFIX } from "../core/api.js";
import { httpSessionApi } from "./session-client.js";
import type { SessionApi } from "./session-api.js";
import type { ApiTrace } from "./api-fetch.js";

export interface WorkerClientOptions {
  workerUrl: string;
  token: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Every call, for `linkup -v`. */
  trace?: ApiTrace;
  /** Writes as server-side dry runs (`--dry-run=server`). */
  dryRun?: boolean;
}

export function workerClient(options: WorkerClientOptions): SessionApi {
  return httpSessionApi(
    "worker",
    {
      baseUrl: `${options.workerUrl.replace(/\/+$/, "")}${API_PREFIX}`,
      token: () => options.token,
      label: "worker",
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
    },
    true,
    { dryRun: options.dryRun ?? false },
  );
}

// The one interface both session APIs (the worker and the local server's admin API) are used
// through. The two factories beside this file differ only in base URL and where the token lives,
// so the reconciler never cares which side it is talking to.
import type { TunnelStart } from "../core/api.js";
import type { PutSessionBody, SessionRecord } from "../core/session.js";

export type Placement = "local" | "worker";

export interface PutResult {
  record: SessionRecord;
  created: boolean;
}

export interface SessionApi {
  /** Which side this client talks to. */
  readonly placement: Placement;
  /** Base URL of the API (`.../linkup/v1`), for messages. Never includes the token. */
  readonly baseUrl: string;
  /** Writes are server-side dry runs: the server validates them and stores nothing. */
  readonly dryRun?: boolean;
  /** Writes (PUT, DELETE, tunnel POST) this client has sent; the servers count too. */
  writes(): number;
  /** GET /check with the token: the server's API version and Linkup release. */
  check(options?: { timeoutMs?: number }): Promise<{ ok: boolean; version?: string; linkup_version?: string }>;
  list(): Promise<SessionRecord[]>;
  /** undefined when the session does not exist. */
  get(name: string): Promise<SessionRecord | undefined>;
  /** ifMatch: the version we read; ifNoneMatch: create only. A stale write throws ConflictError. */
  put(name: string, body: PutSessionBody, pre?: { ifMatch?: number; ifNoneMatch?: boolean }): Promise<PutResult>;
  /** false when the session was already gone. */
  delete(name: string, pre?: { ifMatch?: number }): Promise<boolean>;
  /** Worker only: provision (or refresh) the session's tunnel so local services are reachable. */
  startTunnel?(name: string): Promise<TunnelStart>;
}

// `linkup requests [-f] [--session NAME] [--service NAME]`: the local server's request log (the
// requests it routed, and those the embedded worker routed), read once or followed live. The
// records come from the admin API as the core's RequestRecord.
import { adminClient, type LocalAdminApi } from "../clients/admin-client.js";
import { isReachable } from "../clients/reachable.js";
import { LinkupError } from "../core/errors.js";
import type { RequestFilter, RequestRecord } from "../core/request-record.js";
import { adminUrl, type LinkupSettings } from "../core/settings.js";
import { stateDir } from "../machine/state-dir.js";

async function localClient(settings: LinkupSettings): Promise<LocalAdminApi> {
  const url = adminUrl(settings.ports.admin);
  if (!(await isReachable(url, 2_000)))
    throw new LinkupError("local-server-down", `the local server does not answer at ${url}`, { hint: "run `linkup start` (or `linkup apply`) first" });
  return adminClient({ stateDir: stateDir(settings), adminPort: settings.ports.admin });
}

/** The records the log holds now (oldest first), the newest `tail` of them when given. */
export async function readRequests(settings: LinkupSettings, filter: RequestFilter, tail?: number): Promise<RequestRecord[]> {
  const client = await localClient(settings);
  return (await client.requests({ ...filter, ...(tail !== undefined ? { limit: tail } : {}) })).requests;
}

/** The records as they come (after the newest `tail` already logged), until `signal` aborts or the server goes away. */
export async function* followRequests(settings: LinkupSettings, filter: RequestFilter, signal: AbortSignal, tail?: number): AsyncGenerator<RequestRecord> {
  const client = await localClient(settings);
  yield* client.followRequests({ ...filter, ...(tail !== undefined ? { backlog: tail } : {}) }, signal);
}

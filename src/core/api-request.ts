// How both session API hosts (the worker and the local admin API) read the parts of a request that
// are not the body: the bearer token and the If-Match / If-None-Match preconditions. Written once
// so a header one host accepts is never refused by the other.
import { parseIfMatch } from "./api.js";
import type { Preconditions } from "./versioned-write.js";

/** The token from `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}

export type PreconditionsResult = { ok: true; pre: Preconditions } | { ok: false; code: "invalid-precondition"; message: string };

/** If-Match / If-None-Match as core Preconditions; a value we cannot read is refused rather than ignored. */
export function parsePreconditions(ifMatch: string | null | undefined, ifNoneMatch: string | null | undefined): PreconditionsResult {
  const pre: Preconditions = {};
  if (ifMatch !== undefined && ifMatch !== null) {
    const parsed = parseIfMatch(ifMatch);
    if (parsed === undefined)
      return { ok: false, code: "invalid-precondition", message: `If-Match must be "<version>" or *, not ${JSON.stringify(ifMatch.slice(0, 40))}` };
    pre.ifMatch = parsed;
  }
  if (ifNoneMatch !== undefined && ifNoneMatch !== null) {
    if (ifNoneMatch.trim() !== "*") return { ok: false, code: "invalid-precondition", message: "If-None-Match only supports * (create only)" };
    pre.ifNoneMatch = true;
  }
  return { ok: true, pre };
}

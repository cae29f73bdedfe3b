// Optimistic concurrency for session writes, shared by the worker API and the local admin API:
// versions are monotonic, If-Match must name the current version, If-None-Match: * means
// "create only". Pure: the caller reads the current record, asks here, then writes. Every write
// also sets when the session expires (its ttl from this write), so writing again renews it.
import { expiresAt } from "./duration.js";
import type { PutSessionBody, SessionRecord } from "./session.js";

export interface Preconditions {
  ifMatch?: number | "any";
  ifNoneMatch?: boolean;
}

export type PutDecision =
  | { kind: "write"; record: SessionRecord; created: boolean }
  | { kind: "precondition-failed"; current: SessionRecord | undefined; message: string };

export function planPut(
  name: string,
  current: SessionRecord | undefined,
  body: PutSessionBody,
  hash: string,
  now: string,
  pre: Preconditions,
): PutDecision {
  if (pre.ifNoneMatch && current)
    return { kind: "precondition-failed", current, message: `session ${name} already exists (version ${current.version})` };
  if (pre.ifMatch !== undefined) {
    if (!current) return { kind: "precondition-failed", current, message: `session ${name} does not exist` };
    if (pre.ifMatch !== "any" && pre.ifMatch !== current.version)
      return {
        kind: "precondition-failed",
        current,
        message: `session ${name} changed: you sent version ${pre.ifMatch}, the current version is ${current.version}`,
      };
  }
  return {
    kind: "write",
    created: !current,
    record: {
      name,
      spec: body.spec,
      version: (current?.version ?? 0) + 1,
      spec_hash: hash,
      managed_by: body.managed_by ?? null,
      owner: body.owner ?? null,
      tunnel_url: current?.tunnel_url ?? null,
      created_at: current?.created_at ?? now,
      updated_at: now,
      expires_at: expiresAt(body.spec, now),
    },
  };
}

export type DeleteDecision =
  | { kind: "delete" }
  | { kind: "not-found" }
  | { kind: "precondition-failed"; current: SessionRecord; message: string };

export function planDelete(name: string, current: SessionRecord | undefined, pre: Preconditions): DeleteDecision {
  if (!current) return { kind: "not-found" };
  if (pre.ifMatch !== undefined && pre.ifMatch !== "any" && pre.ifMatch !== current.version)
    return {
      kind: "precondition-failed",
      current,
      message: `session ${name} changed: you sent version ${pre.ifMatch}, the current version is ${current.version}`,
    };
  return { kind: "delete" };
}

/** A server-managed field change (tunnel URL set by start, cleared by cleanup) also bumps the version so caches and ETags move. */
export function withTunnelUrl(current: SessionRecord, tunnelUrl: string | null, now: string): SessionRecord {
  if (current.tunnel_url === tunnelUrl) return current;
  return { ...current, tunnel_url: tunnelUrl, version: current.version + 1, updated_at: now };
}

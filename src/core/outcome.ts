// Maps every way routing can fail to one status code and one plain-text message, so the worker
// and the local server answer identically. `host` names which of them answered.
import type { Candidate, SessionResolution } from "./resolve-session.js";
import type { TargetResult } from "./route.js";

export type RoutingFailure =
  | Exclude<SessionResolution<unknown>, { kind: "found" }>
  | Exclude<TargetResult, { kind: "routed" }>
  | { kind: "upstream-failed"; service: string; origin: string; detail: string };

export interface FailureResponse {
  status: number;
  message: string;
}

function describeTried(tried: Candidate[]): string {
  if (tried.length === 0) return "The request named no session (no session label in the host, no Referer, Origin or tracestate naming one).";
  return `None of these names is a session: ${tried.map((c) => `${c.name} (from ${c.source})`).join(", ")}.`;
}

export function describeFailure(f: RoutingFailure, host: "worker" | "local server"): FailureResponse {
  const by = ` - Linkup ${host}`;
  switch (f.kind) {
    case "no-session":
      return {
        status: 422,
        message: `Linkup could not tell which session this request belongs to. ${describeTried(f.tried)} Open the site at https://<session>.<domain>, or list sessions with \`linkup sessions list\`.${by}`,
      };
    case "unknown-session":
      return {
        status: 422,
        message: `Linkup session "${f.name}" does not exist (it may have been deleted or never created). List sessions with \`linkup sessions list\`.${by}`,
      };
    case "expired-session":
      return {
        status: 410,
        message: `Linkup session "${f.name}" expired at ${f.expired_at} and was removed. Recreate it with \`linkup sessions create-preview ${f.name}\` (a preview) or \`linkup apply\` (a session declared in linkup.yaml); a session written again lives for its ttl from then.${by}`,
      };
    case "no-tunnel":
      return {
        status: 422,
        message: `Service "${f.service}" is routed to local, but this session has no tunnel: run \`linkup start\` on the machine that owns it.${by}`,
      };
    case "no-target":
      return { status: 404, message: `Linkup found the session but no service for this request: ${f.reason}.${by}` };
    case "upstream-failed":
      return {
        status: 502,
        message: `Linkup could not reach service "${f.service}" at ${f.origin}: ${f.detail}. Is it running?${by}`,
      };
  }
}

/**
 * What a browser is shown for a failure (the worker's public answer): a short explanation and how
 * to find sessions, naming nothing from the request or the store, so a public visitor learns no
 * session names. Other failures keep their plain text.
 */
export function browserFailureText(f: RoutingFailure, host: "worker" | "local server"): string[] | undefined {
  if (f.kind !== "no-session" && f.kind !== "unknown-session") return undefined;
  return [
    "Linkup could not tell which session this request belongs to, so it did not forward it.",
    "Each session is reached at its own address, https://<session>.<your domain>/; pages and services of that session then carry it along (Referer, Origin, tracestate).",
    "If you work on this system: list the sessions with `linkup sessions list`, or ask Linkup how it would route this address with `linkup explain <url>`.",
    `- Linkup ${host}`,
  ];
}

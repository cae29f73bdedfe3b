// Maps every way routing can fail to one status code and one plain-text message, so the worker
// and the local server answer identically. `host` names which of them answered; `origin` (what the
// client used, e.g. `http://example.test.localhost:8787`) lets the text show the URL form that
// reaches a session on that same listener.
import { hostnameOf, withoutLocalhostSuffix } from "./request.js";
import type { Candidate, SessionResolution } from "./resolve-session.js";
import type { TargetResult } from "./route.js";

export type RoutingFailure =
  | Exclude<SessionResolution<unknown>, { kind: "found" }>
  | Exclude<TargetResult, { kind: "routed" }>
  | { kind: "upstream-failed"; service: string; origin: string; detail: string }
  /** No response headers within the service's headers timeout. */
  | { kind: "upstream-timeout"; service: string; origin: string; seconds: number }
  /** Every connection to the origin stayed busy for longer than the service's connection wait. */
  | { kind: "upstream-busy"; service: string; origin: string; connections: number; seconds: number };

export interface FailureResponse {
  status: number;
  message: string;
}

function describeTried(tried: Candidate[]): string {
  if (tried.length === 0) return "The request named no session (no session label in the host, no Referer, Origin or tracestate naming one).";
  return `None of these names is a session: ${tried.map((c) => `${c.name} (from ${c.source})`).join(", ")}.`;
}

function isIpOrLocalhost(hostname: string): boolean {
  return hostname === "localhost" || hostname.includes(":") || /^\d+(\.\d+){3}$/.test(hostname);
}

/**
 * The session URL form on the listener the client reached: its own scheme, host and port with a
 * `<session>` label in front (in place of a label that named no session). An address with no
 * domain (an IP, `localhost`) gets the `<session>.<domain>.localhost` form, which opens anywhere.
 */
export function sessionUrlPattern(origin: string, tried: Candidate[]): string | undefined {
  // Only what a host can hold: the origin comes from the request's Host header.
  const m = /^(https?):\/\/([a-z0-9.\-]+|\[[0-9a-f:.]+\])(:\d{1,5})?\/?$/i.exec(origin.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const hostname = hostnameOf(m[2]!);
  const port = m[3] ?? "";
  if (isIpOrLocalhost(hostname)) return `${scheme}://<session>.<domain>.localhost${port}/`;
  // A label only stands for a session in front of a domain of two labels or more (as in
  // sessionLabelOf), judged without a `.localhost` alias suffix.
  const fromHost = tried.find((c) => c.source === "host");
  const labels = (withoutLocalhostSuffix(hostname) ?? hostname).split(".").length;
  const rest = fromHost && labels >= 3 && hostname.startsWith(fromHost.name + ".") ? hostname.slice(fromHost.name.length + 1) : hostname;
  return `${scheme}://<session>.${rest}${port}/`;
}

function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}

export function describeFailure(f: RoutingFailure, host: "worker" | "local server", origin?: string): FailureResponse {
  const by = ` - Linkup ${host}`;
  switch (f.kind) {
    case "no-session":
      return {
        status: 422,
        message: `Linkup could not tell which session this request belongs to. ${describeTried(f.tried)} Open the site at ${(origin && sessionUrlPattern(origin, f.tried)) ?? "<session>.<domain>"}; \`linkup sessions list\` prints each session's URL.${by}`,
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
    case "upstream-timeout":
      return {
        status: 504,
        message: `Service "${f.service}" at ${f.origin} sent no response headers within ${formatSeconds(f.seconds)} (its headers timeout; set services[].timeouts.headers in linkup.yaml to wait longer).${by}`,
      };
    case "upstream-busy":
      return {
        status: 503,
        message: `Service "${f.service}" at ${f.origin} is busy: all ${f.connections} connections Linkup keeps to it were in use for ${formatSeconds(f.seconds)} (long polls or streams may be holding them); try again, or raise services[].timeouts.connection_wait in linkup.yaml.${by}`,
      };
  }
}

/**
 * What a browser is shown for a failure (the worker's public answer): a short explanation and how
 * to find sessions, naming nothing from the store, so a public visitor learns no session names.
 * The address form is the one that works on the listener the browser reached (sessionUrlPattern:
 * its own scheme, host and port, strictly validated). Other failures keep their plain text.
 */
export function browserFailureText(f: RoutingFailure, host: "worker" | "local server", origin?: string): string[] | undefined {
  if (f.kind !== "no-session" && f.kind !== "unknown-session") return undefined;
  const form = (origin && sessionUrlPattern(origin, f.tried)) ?? "<session>.<your domain>";
  return [
    "Linkup could not tell which session this request belongs to, so it did not forward it.",
    `Each session is reached at its own address, \`${form}\`; pages and services of that session then carry it along (Referer, Origin, tracestate).`,
    "If you work on this system: list the sessions with `linkup sessions list`, or ask Linkup how it would route this address with `linkup explain <url>`.",
    `- Linkup ${host}`,
  ];
}

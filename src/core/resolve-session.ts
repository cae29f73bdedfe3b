// Which session a request belongs to. Candidates are tried in a fixed order and the first one
// that names an existing session wins: the first label of the Host, of x-forwarded-host, of the
// Referer's host, of the Origin's host, then `linkup-session=<name>` in the W3C tracestate header,
// then a `linkup-session` member of the W3C baggage header (OpenTelemetry propagates baggage by
// default, so a service that passes on its telemetry context is attributed without extra code).
// An expired session counts as absent (so the next candidate may still match); when nothing
// matches and a candidate names a session that expired, the answer says so (410, not 422).
import { hostnameOf, hostOfReference, type RequestView } from "./request.js";
import { isDnsLabel } from "./session-name.js";

export type CandidateSource = "host" | "x-forwarded-host" | "referer" | "origin" | "tracestate" | "baggage";

/** Sources that name a session explicitly (not a host that may merely look like one). */
const EXPLICIT: readonly CandidateSource[] = ["tracestate", "baggage"];

/** The attribution sources in the order they are tried. */
export const CANDIDATE_SOURCES: readonly CandidateSource[] = ["host", "x-forwarded-host", "referer", "origin", "tracestate", "baggage"];

export interface Candidate {
  source: CandidateSource;
  name: string;
  /**
   * What the name was read from: the host (with port) for host, x-forwarded-host, referer and
   * origin (never the full Referer: its path and query may hold secrets); for tracestate and
   * baggage the name itself (the member reads `linkup-session=<name>`). Kept as found, formatted
   * only when read.
   */
  value: string;
}

export type SessionResolution<S> =
  | { kind: "found"; session: S; name: string; source: CandidateSource; value: string }
  /** Nothing in the request named an existing session (the host label, if any, was not one). */
  | { kind: "no-session"; tried: Candidate[] }
  /** tracestate or baggage named a session explicitly and it does not exist. */
  | { kind: "unknown-session"; name: string; tried: Candidate[] }
  /** Nothing live matched, and a candidate names a session that expired (still stored, or remembered after its removal). */
  | { kind: "expired-session"; name: string; expired_at: string; tried: Candidate[] };

/** How a host tells expired sessions apart: the clock, each session's expiry, and expired sessions already removed. */
export interface ExpiryCheck<S, T = string | undefined> {
  /** ms since epoch. */
  now: number;
  /** When the session expires (ms since epoch), or null when it does not. */
  expiresAt(session: S): number | null;
  /** A session removed because it expired: when it expired (ISO); undefined when unknown. */
  tombstone?(name: string): T;
}

/** First label of a host when the host has at least three labels and is not an IP address. */
export function sessionLabelOf(host: string): string | undefined {
  const h = hostnameOf(host);
  if (h.includes(":") || /^\d+(\.\d+){3}$/.test(h)) return undefined;
  const dot = h.indexOf(".");
  if (dot <= 0 || h.indexOf(".", dot + 1) === -1) return undefined;
  const label = h.slice(0, dot);
  return isDnsLabel(label) ? label : undefined;
}

/** The session named in a tracestate header (`linkup-session=<name>`), if any. */
export function sessionFromTracestate(tracestate: string): string | undefined {
  for (const entry of tracestate.split(",")) {
    const eq = entry.indexOf("=");
    if (eq !== -1 && entry.slice(0, eq).trim() === "linkup-session") {
      const name = entry.slice(eq + 1).trim();
      return isDnsLabel(name) ? name : undefined;
    }
  }
  return undefined;
}

/**
 * The session named by a `linkup-session` member of a W3C baggage header, if any. Members are
 * `key=value` with optional `;property` parts after the value; whitespace around keys and values
 * is allowed and values are percent-encoded (a DNS label needs no encoding, but a client may
 * still encode it).
 */
export function sessionFromBaggage(baggage: string): string | undefined {
  for (const member of baggage.split(",")) {
    const eq = member.indexOf("=");
    if (eq === -1 || member.slice(0, eq).trim() !== "linkup-session") continue;
    const semicolon = member.indexOf(";", eq);
    let value = (semicolon === -1 ? member.slice(eq + 1) : member.slice(eq + 1, semicolon)).trim();
    if (value.includes("%")) {
      try {
        value = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
    return isDnsLabel(value) ? value : undefined;
  }
  return undefined;
}

/**
 * What one source says, from its header value: the host (or session member) it read and the
 * session name in it, if any. The one place a header turns into a name, for routing and `explain`.
 */
export function readSource(source: CandidateSource, header: string): { value: string; name: string | undefined } | undefined {
  switch (source) {
    case "host":
      return { value: header, name: sessionLabelOf(header) };
    case "x-forwarded-host": {
      const first = header.split(",")[0]!.trim();
      return { value: first, name: sessionLabelOf(first) };
    }
    case "referer":
    case "origin": {
      const h = hostOfReference(header);
      return h ? { value: h, name: sessionLabelOf(h) } : undefined;
    }
    case "tracestate":
    case "baggage": {
      const name = source === "tracestate" ? sessionFromTracestate(header) : sessionFromBaggage(header);
      return name === undefined ? undefined : { value: name, name };
    }
  }
}

export function sessionCandidates(req: RequestView): Candidate[] {
  const out: Candidate[] = [];
  for (const source of CANDIDATE_SOURCES) {
    const header = source === "host" ? req.host : req.header(source);
    if (!header) continue;
    const read = readSource(source, header);
    const name = read?.name;
    if (name !== undefined && !out.some((c) => c.name === name)) out.push({ source, name, value: read!.value });
  }
  return out;
}

function settle<S>(tried: Candidate[]): SessionResolution<S> {
  const explicit = tried.find((c) => EXPLICIT.includes(c.source));
  return explicit ? { kind: "unknown-session", name: explicit.name, tried } : { kind: "no-session", tried };
}

/** A session found but past its expiry: when it expired (ISO); undefined when it is live. */
function expiredAt<S>(session: S, expiry: ExpiryCheck<S, unknown> | undefined): string | undefined {
  if (!expiry) return undefined;
  const t = expiry.expiresAt(session);
  return t !== null && t <= expiry.now ? new Date(t).toISOString() : undefined;
}

/** Resolution against a synchronous lookup (the local server keeps sessions in memory). */
export function resolveSessionSync<S>(
  req: RequestView,
  lookup: (name: string) => S | undefined,
  expiry?: ExpiryCheck<S, string | undefined>,
): SessionResolution<S> {
  const tried = sessionCandidates(req);
  let expired: { name: string; expired_at: string } | undefined;
  for (const c of tried) {
    const session = lookup(c.name);
    if (session === undefined) continue;
    const at = expiredAt(session, expiry);
    if (at === undefined) return { kind: "found", session, name: c.name, source: c.source, value: c.value };
    expired ??= { name: c.name, expired_at: at };
  }
  if (expired) return { kind: "expired-session", ...expired, tried };
  for (const c of expiry?.tombstone ? tried : []) {
    const at = expiry!.tombstone!(c.name);
    if (at !== undefined) return { kind: "expired-session", name: c.name, expired_at: at, tried };
  }
  return settle(tried);
}

/** Resolution against an asynchronous lookup (the worker reads KV through a cache). */
export async function resolveSession<S>(
  req: RequestView,
  lookup: (name: string) => Promise<S | undefined>,
  expiry?: ExpiryCheck<S, Promise<string | undefined>>,
): Promise<SessionResolution<S>> {
  const tried = sessionCandidates(req);
  let expired: { name: string; expired_at: string } | undefined;
  for (const c of tried) {
    const session = await lookup(c.name);
    if (session === undefined) continue;
    const at = expiredAt(session, expiry);
    if (at === undefined) return { kind: "found", session, name: c.name, source: c.source, value: c.value };
    expired ??= { name: c.name, expired_at: at };
  }
  if (expired) return { kind: "expired-session", ...expired, tried };
  for (const c of expiry?.tombstone ? tried : []) {
    const at = await expiry!.tombstone!(c.name);
    if (at !== undefined) return { kind: "expired-session", name: c.name, expired_at: at, tried };
  }
  return settle(tried);
}

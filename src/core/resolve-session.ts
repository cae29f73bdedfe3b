// Which session a request belongs to. Candidates are tried in a fixed order and the first one
// that names an existing session wins: the first label of the Host, of x-forwarded-host, of the
// Referer's host, of the Origin's host, then `linkup-session=<name>` in the W3C tracestate header.
import { hostnameOf, hostOfUrl, type RequestView } from "./request.js";
import { isDnsLabel } from "./session-name.js";

export type CandidateSource = "host" | "x-forwarded-host" | "referer" | "origin" | "tracestate";

/** The attribution sources in the order they are tried. */
export const CANDIDATE_SOURCES: readonly CandidateSource[] = ["host", "x-forwarded-host", "referer", "origin", "tracestate"];

export interface Candidate {
  source: CandidateSource;
  name: string;
  /**
   * What the name was read from: the host (with port) for host, x-forwarded-host, referer and
   * origin (never the full Referer: its path and query may hold secrets); for tracestate the name
   * itself (the member reads `linkup-session=<name>`). Kept as found, formatted only when read.
   */
  value: string;
}

export type SessionResolution<S> =
  | { kind: "found"; session: S; name: string; source: CandidateSource; value: string }
  /** Nothing in the request named an existing session (the host label, if any, was not one). */
  | { kind: "no-session"; tried: Candidate[] }
  /** tracestate named a session explicitly and it does not exist. */
  | { kind: "unknown-session"; name: string; tried: Candidate[] };

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
 * What one source says, from its header value: the host (or tracestate member) it read and the
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
      const h = hostOfUrl(header);
      return h ? { value: h, name: sessionLabelOf(h) } : undefined;
    }
    case "tracestate": {
      const name = sessionFromTracestate(header);
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
  const explicit = tried.find((c) => c.source === "tracestate");
  return explicit ? { kind: "unknown-session", name: explicit.name, tried } : { kind: "no-session", tried };
}

/** Resolution against a synchronous lookup (the local server keeps sessions in memory). */
export function resolveSessionSync<S>(req: RequestView, lookup: (name: string) => S | undefined): SessionResolution<S> {
  const tried = sessionCandidates(req);
  for (const c of tried) {
    const session = lookup(c.name);
    if (session !== undefined) return { kind: "found", session, name: c.name, source: c.source, value: c.value };
  }
  return settle(tried);
}

/** Resolution against an asynchronous lookup (the worker reads KV through a cache). */
export async function resolveSession<S>(
  req: RequestView,
  lookup: (name: string) => Promise<S | undefined>,
): Promise<SessionResolution<S>> {
  const tried = sessionCandidates(req);
  for (const c of tried) {
    const session = await lookup(c.name);
    if (session !== undefined) return { kind: "found", session, name: c.name, source: c.source, value: c.value };
  }
  return settle(tried);
}

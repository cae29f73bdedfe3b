// The minimal view of an incoming request the core needs. Each host adapts its own request
// type (Fetch API Request in the worker, IncomingMessage in the local server) to this.

export interface RequestView {
  /** The Host header (or URL host), possibly with a port. */
  readonly host: string;
  /** URL path without the query string, e.g. `/auth/login`. */
  readonly path: string;
  /** Header lookup by lowercase name; the first value if repeated. */
  header(name: string): string | undefined;
}

/** Lowercased hostname without port or trailing dot; `[::1]:80` -> `::1`. */
export function hostnameOf(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(":");
  if (colon !== -1) h = h.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** Host (with port) of an absolute URL such as a Referer or Origin value; undefined if unparsable. */
export function hostOfUrl(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value.trim());
  if (!m) return undefined;
  const authority = m[1]!;
  const at = authority.lastIndexOf("@");
  return at === -1 ? authority : authority.slice(at + 1);
}

/** Suffix of the no-setup alias of a session host (see withoutLocalhostSuffix). */
export const LOCALHOST_SUFFIX = ".localhost";

/**
 * Browsers and curl resolve every `*.localhost` name to loopback with no setup (RFC 6761), so a
 * session is also served at `<session>.<domain>.localhost:<port>`. This is the host without that
 * suffix, port kept (`a.example.test.localhost:8787` -> `a.example.test:8787`); undefined when the
 * host does not end in `.localhost` or nothing would be left.
 */
export function withoutLocalhostSuffix(host: string): string | undefined {
  const h = host.trim();
  let end = h.length;
  if (!h.startsWith("[")) {
    const colon = h.lastIndexOf(":");
    if (colon !== -1) end = colon;
  }
  let name = h.slice(0, end);
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name.length <= LOCALHOST_SUFFIX.length || name.slice(-LOCALHOST_SUFFIX.length).toLowerCase() !== LOCALHOST_SUFFIX) return undefined;
  return name.slice(0, -LOCALHOST_SUFFIX.length) + h.slice(end);
}

/**
 * Host of a Referer or Origin value. Browsers send absolute URLs; some HTTP clients (and
 * Mentimeter's own server tests) send a bare `example.com` or `example.com/path`, which is
 * accepted too as long as what precedes the first `/` looks like a host.
 */
export function hostOfReference(value: string): string | undefined {
  const absolute = hostOfUrl(value);
  if (absolute !== undefined) return absolute;
  const v = value.trim();
  const end = v.search(/[/?#]/);
  const host = end === -1 ? v : v.slice(0, end);
  return /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host) ? host : undefined;
}

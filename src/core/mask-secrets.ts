// What a diff posted to a pull request (or `linkup config view`) must not show: credentials written
// into service URLs, and values under keys that name a secret.
// The user-info part of a URL (`https://user:pass@host`) becomes `***@`, and the value of a query
// parameter whose name looks like a credential (`?api_key=...`, `&token=...`) becomes `***`.
// A bare `${VAR}` reference is kept: it names a variable and shows no value. Plain string
// scanning rather than URL parsing: URLs with `${VAR}` in them do not always parse.
export const MASK = "***";

// Tested against one query parameter name at a time (short, and the pattern has no nesting).
const SECRET_PARAM = /(token|secret|passw|pwd|key|auth|sig|credential|session|code)/i;
// A bare `${NAME}` names a variable and shows no value: it stays (a `${NAME:-default}` does not).
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

function onlyReferences(userinfo: string): boolean {
  return userinfo.split(":").every((part) => part === "" || REFERENCE.test(part));
}

/** A URL (or URL-like string) with its user-info and credential-looking query values masked. */
export function maskUrl(value: string): string {
  const scheme = value.indexOf("://");
  if (scheme === -1) return value;
  const start = scheme + 3;
  let end = value.length;
  for (const c of ["/", "?", "#"]) {
    const at = value.indexOf(c, start);
    if (at !== -1 && at < end) end = at;
  }
  let out = value;
  const at = value.lastIndexOf("@", end - 1);
  if (at >= start && !onlyReferences(value.slice(start, at))) out = value.slice(0, start) + MASK + value.slice(at, value.length);
  const q = out.indexOf("?");
  if (q === -1) return out;
  const hash = out.indexOf("#", q);
  const query = out.slice(q + 1, hash === -1 ? undefined : hash);
  const masked = query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) return pair;
      const v = pair.slice(eq + 1);
      return SECRET_PARAM.test(pair.slice(0, eq)) && !REFERENCE.test(v) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    })
    .join("&");
  return out.slice(0, q + 1) + masked + (hash === -1 ? "" : out.slice(hash));
}

/** Any value with every string in it that holds a URL masked (specs, plan actions, field changes). */
export function maskDeep<T>(value: T): T {
  if (typeof value === "string") return (value.includes("://") ? maskUrl(value) : value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  return value;
}

const SECRET_KEY = /token|secret|passw(?:or)?d|credential|private|(?:^|[_-])(?:api)?keys?$|apikey/i;

/** A mapping key whose whole value is not shown (worker_token, api_key, password, ...): `config view`. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

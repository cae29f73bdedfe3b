// The few session API calls the bench makes itself (creating the sessions it measures), against
// the worker's API or the local admin API: same paths and headers (docs/architecture.md).
const API_PREFIX = "/linkup/v1";
const API_VERSION = "1.0.0";

export function sessionApi(baseUrl, token) {
  const headers = { authorization: `Bearer ${token}`, "x-linkup-version": API_VERSION, "content-type": "application/json" };
  const call = async (method, path, body) => {
    const res = await fetch(baseUrl + API_PREFIX + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    put: (name, spec, managedBy) => call("PUT", `/sessions/${name}`, { spec, ...(managedBy ? { managed_by: managedBy } : {}) }),
    list: async () => (await call("GET", "/sessions")).sessions,
    /** Starts (provisions) a session's tunnel through the worker's API; returns { tunnel_url, ... }. */
    startTunnel: (name) => call("POST", `/sessions/${name}/tunnel`),
  };
}

/**
 * A spec whose every request the bench makes ends at `url` (as remote or local), shaped like a
 * small real one so routing does its usual work: the domain has two path routes (to a second
 * service on the same upstream, with a rewrite) and the session has cache routes, so each request
 * is tested against those regexes (and misses them: the bench asks for /1k and /10m).
 */
export function singleServiceSpec({ type, domain, url, route }) {
  const where = route === "local" ? { local: url } : { remote: url };
  return {
    type,
    services: [
      { name: "api", route, ...where, rewrites: [{ source: "^/api/v1/(.*)$", target: "/v1/$1" }] },
      { name: "upstream", route, ...where, rewrites: [] },
    ],
    domains: [
      {
        domain,
        default_service: "upstream",
        routes: [
          { path: "^/api/", service: "api" },
          { path: "^/(graphql|socket)(/|$)", service: "api" },
        ],
      },
    ],
    cache_routes: ["^/static/", "\\.(js|css|woff2?)$"],
  };
}

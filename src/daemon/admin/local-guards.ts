// The admin listener's own guards, run before any token or cookie check. A web page in the
// developer's browser can reach 127.0.0.1 too, so a request must (1) name the admin listener in
// Host (a DNS-rebinding page sends its own name) and (2) carry no Origin (browsers send one on
// cross-origin requests and on every POST/PUT/DELETE; the CLI never does) - except that the
// dashboard's own page (under /dashboard) may send Origin when it is this listener's own origin.
// Any other Origin, `null` included, is refused everywhere: the session API under /linkup/v1
// never answers a browser, and no other page can drive the dashboard's API.
import type { MiddlewareHandler } from "hono";
import { apiError } from "../../api/api-error.js";

/** Host must be the admin listener itself: anything else is a rebinding page or a confused client. */
export function loopbackHostOnly(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host")?.toLowerCase();
    const p = port();
    if (host !== `127.0.0.1:${p}` && host !== `localhost:${p}`)
      return apiError(403, "forbidden-host", `the admin API only answers requests for 127.0.0.1:${p} or localhost:${p}`);
    await next();
  };
}

/** Whether a path belongs to the dashboard (cookie-authenticated, same-origin browser requests allowed). */
export function isDashboardPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}

/**
 * No Origin, or - under `dashboardPrefix` only - exactly this listener's origin, `http://` + the
 * Host already checked by loopbackHostOnly.
 */
export function originRule(dashboardPrefix: string): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      const own = `http://${c.req.header("host")?.toLowerCase()}`;
      if (!(isDashboardPath(c.req.path, dashboardPrefix) && origin.toLowerCase() === own))
        return apiError(
          403,
          "forbidden-origin",
          isDashboardPath(c.req.path, dashboardPrefix)
            ? "the dashboard only answers its own page (the Origin names another site)"
            : "the admin API does not answer browser requests (an Origin header was sent)",
        );
    }
    await next();
  };
}

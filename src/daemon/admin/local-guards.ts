// The admin listener's own guards, run before the session API's token check. A web page in the
// developer's browser can reach 127.0.0.1 too, so a request must (1) name the admin listener in
// Host (a DNS-rebinding page sends its own name) and (2) carry no Origin (browsers send one on
// cross-origin requests; the CLI never does).
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

export function refuseBrowsers(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header("origin") !== undefined)
      return apiError(403, "forbidden-origin", "the admin API does not answer browser requests (an Origin header was sent)");
    await next();
  };
}

// The dashboard on the admin listener, under /dashboard (mounted by admin-api.ts behind the
// loopback Host check and the Origin rule of local-guards.ts):
//
//   GET  /dashboard/login?code=...          spends a one-time code, sets the cookie, 303 -> /dashboard
//   GET  /dashboard                          the page (assets/index.html), /dashboard/app.js, /dashboard/app.css
//   GET  /dashboard/api/state                sessions of both sides, health, local server, worker, tunnel
//   GET  /dashboard/api/requests[/stream]    the request log (JSON / server-sent events)
//   GET|PUT /dashboard/api/sessions/:placement/:name
//                                            the session API of that side (local or worker), relayed
//                                            with the token added; PUT requires If-Match
//   POST /dashboard/logout
//
// Everything but /login needs the login cookie. Requests that change something need, besides the
// cookie, an Origin naming this listener itself (browsers always send it on such requests; a page
// elsewhere cannot forge it) and a JSON body; Sec-Fetch-Site, when sent, must say same-origin.
// Answers carry a strict CSP (own script and style only), no framing, no referrer, no caching.
import { readFileSync } from "node:fs";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import { apiError, jsonAnswer } from "../../../api/api-error.js";
import { limitedBodyProblem, readLimitedBody } from "../../../api/limited-body.js";
import { API_PREFIX, API_VERSION, MAX_BODY_BYTES, VERSION_HEADER } from "../../../core/api.js";
import { failurePage } from "../../../core/failure-page.js";
import { isDnsLabel } from "../../../core/session-name.js";
import type { RequestLog } from "../../request-log.js";
import { requestListAnswer, requestStreamAnswer, type createStreamRegistry } from "../request-stream.js";
import { cookieName, LOGIN_TTL_MS, type DashboardAuth, type DashboardLogin } from "./dashboard-auth.js";
import { dashboardState, workerApiFetch, type DashboardSources } from "./dashboard-state.js";

export const DASHBOARD_PREFIX = "/dashboard";

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

const ASSETS: Record<string, string> = {
  "/": "index.html",
  "/app.js": "app.js",
  "/app.css": "app.css",
};
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

/** Read once, on first use: the files sit beside this module (copied into dist/ by the build). */
const assetCache = new Map<string, string>();
function asset(file: string): string {
  let text = assetCache.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./assets/${file}`, import.meta.url), "utf8");
    assetCache.set(file, text);
  }
  return text;
}

export interface DashboardOptions {
  auth: DashboardAuth;
  port: () => number;
  requestLog: RequestLog | null;
  streams: ReturnType<typeof createStreamRegistry>;
  sources: DashboardSources;
  /** The local session API (the admin app itself, in process), with the admin token added. */
  localApi: (path: string, init: RequestInit) => Promise<Response>;
}

type DashEnv = { Variables: { login: DashboardLogin } };

function page(status: number, paragraphs: string[]): Response {
  return new Response(failurePage(status, paragraphs), { status, headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8" } });
}

function secured(response: Response): Response {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!response.headers.has(k) || k === "cache-control") response.headers.set(k, v);
  return response;
}

const SAFE = new Set(["GET", "HEAD"]);

/** The cookie's login, and for requests that change something: our own Origin and a JSON body. */
function requireLogin(o: DashboardOptions): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const login = o.auth.login(getCookie(c, cookieName(o.port())));
    const isApi = c.req.path.startsWith(`${DASHBOARD_PREFIX}/api/`);
    if (!login)
      return isApi
        ? secured(apiError(401, "dashboard-login-required", "the dashboard login has expired: run `linkup dashboard` again"))
        : page(401, ["This dashboard needs a login.", "Run `linkup dashboard`: it opens this page with a one-time link."]);
    const site = c.req.header("sec-fetch-site");
    if (isApi && site !== undefined && site !== "same-origin")
      return secured(apiError(403, "forbidden-site", "dashboard API requests must come from the dashboard page itself"));
    if (!SAFE.has(c.req.method)) {
      // The Origin rule (local-guards.ts) already refused any other Origin; here one is required.
      if (c.req.header("origin") === undefined)
        return secured(apiError(403, "forbidden-origin", "changes through the dashboard must come from the dashboard page (no Origin was sent)"));
      if (c.req.method !== "POST" && !(c.req.header("content-type") ?? "").startsWith("application/json"))
        return secured(apiError(415, "unsupported-media-type", "send JSON"));
    }
    c.set("login", login);
    await next();
    secured(c.res);
  };
}

/** The session API path for a relayed call, or the 400 answer. */
function relayTarget(c: Context): { placement: "local" | "worker"; path: string } | Response {
  const placement = c.req.param("placement");
  const name = c.req.param("name");
  if (placement !== "local" && placement !== "worker") return apiError(404, "not-found", "placement must be local or worker");
  if (name !== undefined && !isDnsLabel(name)) return apiError(400, "invalid-session-name", "invalid session name");
  return { placement, path: name === undefined ? "/sessions" : `/sessions/${name}` };
}

export function dashboardRoutes(o: DashboardOptions): Hono<DashEnv> {
  const app = new Hono<DashEnv>();

  app.get("/login", (c) => {
    const code = c.req.query("code") ?? "";
    const cookie = code ? o.auth.redeem(code) : undefined;
    if (!cookie) return page(403, ["This dashboard link has expired or was used already.", "Run `linkup dashboard` again for a new one."]);
    const setCookie = generateCookie(cookieName(o.port()), cookie, {
      path: DASHBOARD_PREFIX,
      httpOnly: true,
      sameSite: "Strict",
      maxAge: LOGIN_TTL_MS / 1000,
    });
    return new Response(null, { status: 303, headers: { ...SECURITY_HEADERS, location: DASHBOARD_PREFIX, "set-cookie": setCookie } });
  });

  app.use("*", requireLogin(o));

  for (const [path, file] of Object.entries(ASSETS))
    app.get(path, () => new Response(asset(file), { headers: { "content-type": TYPES[file.split(".").pop()!]! } }));

  app.get("/api/state", async (c) => jsonAnswer(await dashboardState(c.get("login").context, o.sources)));

  app.get("/api/requests", (c) =>
    o.requestLog ? requestListAnswer(c, o.requestLog) : apiError(404, "request-log-off", "this local server keeps no request log"),
  );
  app.get("/api/requests/stream", (c) =>
    o.requestLog ? requestStreamAnswer(c, o.requestLog, o.streams) : apiError(404, "request-log-off", "this local server keeps no request log"),
  );

  const relay = async (c: Context<DashEnv>) => {
    const target = relayTarget(c);
    if (target instanceof Response) return target;
    const method = c.req.method;
    if (method === "PUT" && c.req.header("if-match") === undefined)
      return apiError(428, "precondition-required", "dashboard writes must say which version they change (If-Match)");
    const headers: Record<string, string> = {};
    for (const h of ["if-match", "content-type"]) {
      const v = c.req.header(h);
      if (v !== undefined) headers[h] = v;
    }
    let body: string | undefined;
    if (method === "PUT") {
      const raw = await readLimitedBody(c.req.raw, MAX_BODY_BYTES);
      if (!raw.ok) return limitedBodyProblem(raw.reason);
      body = raw.text;
    }
    const init: RequestInit = { method, headers, ...(body !== undefined ? { body } : {}) };
    if (target.placement === "local") return o.localApi(target.path, init);
    const worker = c.get("login").context.worker;
    if (!worker) return apiError(404, "no-worker", "this dashboard login has no worker: run `linkup dashboard` in your project");
    try {
      const res = await workerApiFetch(worker, target.path, init);
      // A fresh answer (our headers), with the worker's status, ETag and body.
      const out = new Headers({ "content-type": res.headers.get("content-type") ?? "application/json" });
      const etag = res.headers.get("etag");
      if (etag) out.set("etag", etag);
      return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
    } catch (error) {
      return apiError(502, "worker-unreachable", `the worker did not answer: ${(error as Error).message}`);
    }
  };
  app.get("/api/sessions/:placement", relay);
  app.get("/api/sessions/:placement/:name", relay);
  app.put("/api/sessions/:placement/:name", relay);

  app.post("/logout", (c) => {
    o.auth.logout(getCookie(c, cookieName(o.port())));
    const clear = generateCookie(cookieName(o.port()), "", { path: DASHBOARD_PREFIX, httpOnly: true, sameSite: "Strict", maxAge: 0 });
    return new Response(null, { status: 204, headers: { "set-cookie": clear } });
  });

  app.all("*", (c) => apiError(404, "not-found", `no dashboard page at ${c.req.path.slice(0, 200)}`));
  return app;
}

/** Builds the in-process call to the local session API (`path` relative to /linkup/v1). */
export function localApiCaller(fetchApp: (request: Request) => Promise<Response> | Response, port: () => number, token: string) {
  return async (path: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("host", `127.0.0.1:${port()}`);
    headers.set("authorization", `Bearer ${token}`);
    headers.set(VERSION_HEADER, API_VERSION);
    return fetchApp(new Request(`http://127.0.0.1:${port()}${API_PREFIX}${path}`, { ...init, headers }));
  };
}

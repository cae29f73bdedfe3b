// Every request outside /linkup/v1: find the session (core resolveSession through the isolate's
// session cache), pick the service (core selectTarget), forward with streamed bodies in both
// directions, and answer routing failures with the core's text (describeFailure; a browser asking
// for a page no session claims gets the core's short HTML page, naming nothing). WebSocket
// upgrades branch off to websocket.ts after the same routing.
//
// An upstream that accepts and never answers would hold the client for ever: the wait for the
// response headers is bounded by the service's headers timeout (an AbortSignal that is disarmed
// as soon as the headers arrive, so a streamed body is never cut), and then answered with 504.
//
// Each request leaves one structured log line (core requestLogLine: what `wrangler tail` and
// Workers Logs show), built from the routing results the request already has, never with
// headers, cookies, tokens or the query. REQUEST_LOG=off turns it off.
import { failurePage, acceptsHtml } from "../core/failure-page.js";
import { browserFailureText, describeFailure, type RoutingFailure } from "../core/outcome.js";
import { requestLogLine, type RequestTrace } from "../core/request-record.js";
import { resolveSession } from "../core/resolve-session.js";
import { selectTarget, type CompiledSession } from "../core/route.js";
import type { Env } from "./env.js";
import { expiredTombstone } from "./expired-sessions.js";
import { applyResponseRules, requestViewOf, responseContextOf, upstreamRequestHeaders } from "./forward-headers.js";
import type { SessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import { withHeadersTimeout } from "./headers-timeout.js";
import { isWebSocketUpgrade, relayWebSocket } from "./websocket.js";

export function failureResponse(failure: RoutingFailure, request?: Request): Response {
  const { status, message } = describeFailure(failure, "worker", request ? new URL(request.url).origin : undefined);
  const page = request && acceptsHtml(request.headers.get("accept")) ? browserFailureText(failure, "worker", new URL(request.url).origin) : undefined;
  return new Response(page ? failurePage(status, page) : message + "\n", {
    status,
    headers: { "content-type": page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** A fetch error's message, minus the upstream URL (it may carry secret paths or query values). */
export function upstreamFailureDetail(err: unknown, url: string): string {
  const message = err instanceof Error ? err.message : String(err);
  // The core's text adds its own full stop.
  return message.split(url).join("(upstream)").replace(/\.+$/, "") || "the request failed";
}

/** Whether this worker writes its request log line (`REQUEST_LOG=off` silences it). */
function logsRequests(env: Env): boolean {
  return env.REQUEST_LOG !== "off";
}

export async function proxyRequest(request: Request, env: Env, cache: SessionCache): Promise<Response> {
  const view = requestViewOf(request);
  const trace: RequestTrace = {
    start: Date.now(),
    method: request.method,
    host: view.host,
    path: view.path,
    resolution: undefined,
    target: undefined,
    status: 0,
    duration: 0,
    failure: undefined,
  };
  const log = logsRequests(env);
  const answer = (response: Response, failure?: RoutingFailure): Response => {
    if (!log) return response;
    trace.status = response.status;
    trace.duration = Date.now() - trace.start;
    trace.failure = failure;
    console.log(JSON.stringify(requestLogLine(trace)));
    return response;
  };
  const fail = (failure: RoutingFailure) => answer(failureResponse(failure, request), failure);

  const store = sessionStoreOf(env);
  const resolution = await resolveSession<CompiledSession>(view, (name) => cache.get(name, (n) => store.get(n)), {
    now: trace.start,
    expiresAt: (s) => s.expiresAt,
    tombstone: (name) => expiredTombstone(env.LINKUP_SESSIONS, name),
  });
  trace.resolution = resolution;
  if (resolution.kind !== "found") return fail(resolution);
  const session = resolution.session;
  const target = selectTarget(session, view);
  trace.target = target;
  if (target.kind !== "routed") return fail(target);

  const upstreamUrl = target.url + new URL(request.url).search;
  const headers = upstreamRequestHeaders(request, session.name, target);
  const origin = target.service.upstreamOrigin ?? "(none)";
  const upstreamFailed = (err: unknown) =>
    fail({ kind: "upstream-failed", service: target.service.name, origin, detail: upstreamFailureDetail(err, upstreamUrl) });
  const timeoutMs = target.service.headersTimeoutMs;
  const timedOut = () => fail({ kind: "upstream-timeout", service: target.service.name, origin, seconds: timeoutMs / 1000 });

  if (isWebSocketUpgrade(request)) {
    // A failed upgrade is logged by upstreamFailed itself; anything else (101 or the upstream's own answer) here.
    let failed = false;
    const relayed = await relayWebSocket(
      request,
      upstreamUrl,
      headers,
      target,
      (err) => {
        failed = true;
        return upstreamFailed(err);
      },
      timeoutMs,
      () => {
        failed = true;
        return timedOut();
      },
    );
    return failed ? relayed : answer(relayed);
  }

  const sent = await withHeadersTimeout(timeoutMs, (signal) =>
    fetch(upstreamUrl, {
      method: request.method,
      headers,
      // The body stream is handed on as it arrives: nothing here buffers it.
      body: request.method === "GET" || request.method === "HEAD" ? null : request.body,
      // Redirects go back to the browser (with Location rewritten), never followed here.
      redirect: "manual",
      signal,
    }),
  );
  if (!sent.ok) return sent.timedOut ? timedOut() : upstreamFailed(sent.error);
  const upstream = sent.value;
  // Response(body, response) keeps status, statusText and every header, repeated Set-Cookie included.
  const response = new Response(upstream.body, upstream);
  applyResponseRules(response.headers, responseContextOf(request, target));
  return answer(response);
}

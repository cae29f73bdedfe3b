// Every request outside /linkup/v1: find the session (core resolveSession through the isolate's
// session cache), pick the service (core selectTarget), forward with streamed bodies in both
// directions, and answer routing failures with the core's text (describeFailure). WebSocket
// upgrades branch off to websocket.ts after the same routing.
//
// An upstream that accepts and never answers would hold the client for ever: the wait for the
// response headers is bounded by the service's headers timeout (an AbortSignal that is disarmed
// as soon as the headers arrive, so a streamed body is never cut), and then answered with 504.
import { describeFailure, type RoutingFailure } from "../core/outcome.js";
import { resolveSession } from "../core/resolve-session.js";
import { selectTarget, type CompiledSession } from "../core/route.js";
import type { Env } from "./env.js";
import { expiredTombstone } from "./expired-sessions.js";
import { applyResponseRules, requestViewOf, responseContextOf, upstreamRequestHeaders } from "./forward-headers.js";
import type { SessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import { withHeadersTimeout } from "./headers-timeout.js";
import { isWebSocketUpgrade, relayWebSocket } from "./websocket.js";

export function failureResponse(failure: RoutingFailure): Response {
  const { status, message } = describeFailure(failure, "worker");
  return new Response(message + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** A fetch error's message, minus the upstream URL (it may carry secret paths or query values). */
export function upstreamFailureDetail(err: unknown, url: string): string {
  const message = err instanceof Error ? err.message : String(err);
  // The core's text adds its own full stop.
  return message.split(url).join("(upstream)").replace(/\.+$/, "") || "the request failed";
}

export async function proxyRequest(request: Request, env: Env, cache: SessionCache): Promise<Response> {
  const view = requestViewOf(request);
  const store = sessionStoreOf(env);
  const resolution = await resolveSession<CompiledSession>(view, (name) => cache.get(name, (n) => store.get(n)), {
    now: Date.now(),
    expiresAt: (s) => s.expiresAt,
    tombstone: (name) => expiredTombstone(env.LINKUP_SESSIONS, name),
  });
  if (resolution.kind !== "found") return failureResponse(resolution);
  const session = resolution.session;
  const target = selectTarget(session, view);
  if (target.kind !== "routed") return failureResponse(target);

  const upstreamUrl = target.url + new URL(request.url).search;
  const headers = upstreamRequestHeaders(request, session.name, target);
  const origin = target.service.upstreamOrigin ?? "(none)";
  const upstreamFailed = (err: unknown) =>
    failureResponse({ kind: "upstream-failed", service: target.service.name, origin, detail: upstreamFailureDetail(err, upstreamUrl) });
  const timeoutMs = target.service.headersTimeoutMs;
  const timedOut = () => failureResponse({ kind: "upstream-timeout", service: target.service.name, origin, seconds: timeoutMs / 1000 });

  if (isWebSocketUpgrade(request)) return relayWebSocket(request, upstreamUrl, headers, target, upstreamFailed, timeoutMs, timedOut);

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
  return response;
}

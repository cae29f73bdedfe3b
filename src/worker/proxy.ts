// Every request outside /linkup/v1: find the session (core resolveSession through the isolate's
// session cache), check Cloudflare Access when the session needs it (access.ts), pick the service
// (core selectTarget), forward with streamed bodies in both directions, and answer routing
// failures with the core's text (describeFailure; a browser asking for a page no session claims
// gets the core's short HTML page, naming nothing). Requests into a tunnel carry the worker's
// signature (core tunnel-signature). Requests naming no session are counted per client
// (name-probes.ts). WebSocket upgrades branch off to websocket.ts after the same routing.
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
import { accessRequirement } from "../core/access.js";
import { resolveSession } from "../core/resolve-session.js";
import { selectTarget, type CompiledSession } from "../core/route.js";
import { TUNNEL_SESSION_HEADER, TUNNEL_SIGNATURE_HEADER } from "../core/tunnel-signature.js";
import { accessRefusal, accessSettingsFromEnv, verifyAccess } from "./access.js";
import type { Env } from "./env.js";
import { expiredTombstone } from "./expired-sessions.js";
import { applyResponseRules, requestViewOf, responseContextOf, upstreamRequestHeaders } from "./forward-headers.js";
import { DEFAULT_PROBE_LIMIT, PROBE_PERIOD_MS, clientAddress, type NameProbeGuard } from "./name-probes.js";
import type { SessionCache } from "./session-cache.js";
import { sessionStoreOf } from "./sessions.js";
import type { TunnelKeys } from "./tunnel-keys.js";
import { readTunnel } from "./tunnels/tunnel-store.js";
import { withHeadersTimeout } from "./headers-timeout.js";
import { isWebSocketUpgrade, relayWebSocket } from "./websocket.js";

/** The isolate's caches and counters the proxy works with (index.ts passes the isolate's own). */
export interface ProxyState {
  sessions: SessionCache;
  tunnels: TunnelKeys;
  probes: NameProbeGuard;
}

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

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

function tooManyMisses(): Response {
  return text(
    429,
    `Too many requests for Linkup sessions that do not exist came from your address; try again in a minute. - Linkup worker`,
    { "retry-after": String(PROBE_PERIOD_MS / 1000) },
  );
}

function probeLimit(env: Env): number {
  const n = Number(env.NAME_PROBE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_PROBE_LIMIT;
}

/** Whether this worker writes its request log line (`REQUEST_LOG=off` silences it). */
function logsRequests(env: Env): boolean {
  return env.REQUEST_LOG !== "off";
}

export async function proxyRequest(request: Request, env: Env, state: ProxyState): Promise<Response> {
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

  const client = clientAddress(request);
  const now = trace.start;
  if (state.probes.blocked(client, now)) return answer(tooManyMisses());

  const access = accessSettingsFromEnv(env);
  if (access.kind === "invalid") return answer(text(500, `This Linkup worker's Cloudflare Access settings are wrong: ${access.message}. - Linkup worker`));
  const settings = access.kind === "on" ? access.settings : undefined;

  const store = sessionStoreOf(env);
  const resolution = await resolveSession<CompiledSession>(view, (name) => state.sessions.get(name, (n) => store.get(n)), {
    now,
    expiresAt: (s) => s.expiresAt,
    tombstone: (name) => expiredTombstone(env.LINKUP_SESSIONS, name),
  });
  trace.resolution = resolution;
  if (resolution.kind !== "found") {
    // 422 (no such session) and 410 (expired) alike: counted per client, so scanning is slow.
    const blocked = await state.probes.miss(client, now, { binding: env.NAME_PROBE_LIMITER, limit: probeLimit(env) });
    if (blocked) return answer(tooManyMisses());
    // Behind Access, outsiders learn nothing: a missing session looks like a protected one.
    if (settings) {
      const check = await verifyAccess(request, settings);
      if (!check.ok) return answer(accessRefusal(check));
    }
    return fail(resolution);
  }
  const session = resolution.session;

  const requirement = accessRequirement(session.record.spec.access, settings !== undefined, env.LINKUP_LOOPBACK_ONLY === "1");
  if (requirement === "unconfigured")
    return answer(
      text(
        403,
        "This Linkup session is declared `access: team`, but this worker has no Cloudflare Access configured, so it lets nobody in. " +
          "Deploy the worker with linkup.yaml's access block (`linkup infra deploy`). - Linkup worker",
      ),
    );
  if (requirement === "verify") {
    const check = await verifyAccess(request, settings!);
    if (!check.ok) return answer(accessRefusal(check));
  }

  const target = selectTarget(session, view);
  trace.target = target;
  if (target.kind !== "routed") return fail(target);

  const upstreamUrl = target.url + new URL(request.url).search;
  const headers = upstreamRequestHeaders(request, session.name, target);
  if (target.viaTunnel) {
    const signer = await state.tunnels.get(session.name, (name) => readTunnel(env.LINKUP_TUNNELS, name));
    if (!signer) return fail({ kind: "no-tunnel", service: target.service.name });
    const url = new URL(upstreamUrl);
    headers.set(TUNNEL_SESSION_HEADER, session.name);
    headers.set(
      TUNNEL_SIGNATURE_HEADER,
      await signer.sign(
        {
          method: request.method,
          host: headers.get("x-forwarded-host") ?? "",
          target: url.pathname + url.search,
          session: session.name,
          destination: target.service.name,
        },
        now,
      ),
    );
  }
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

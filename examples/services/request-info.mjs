// What each example service learns from a request about Linkup: the session named in
// `tracestate` or `baggage` (Linkup adds `linkup-session=<name>` to both on every hop) and the
// headers that carried it. Services keep a short log of what they saw so tests and curious users can ask a copy
// directly ("which session did you serve?") without going through Linkup.

const LOG_SIZE = 100;

/** The session named by `linkup-session=<name>` in a tracestate header, or null. */
export function sessionFromTracestate(tracestate) {
  if (typeof tracestate !== "string") return null;
  for (const member of tracestate.split(",")) {
    const [key, value] = member.split("=", 2).map((s) => s?.trim());
    if (key === "linkup-session" && value) return value;
  }
  return null;
}

/** The session named by a `linkup-session` member of a W3C baggage header, or null. */
export function sessionFromBaggage(baggage) {
  if (typeof baggage !== "string") return null;
  for (const member of baggage.split(",")) {
    const [key, rest] = member.split("=", 2).map((s) => s?.trim());
    if (key === "linkup-session" && rest) return decodeURIComponent(rest.split(";")[0].trim());
  }
  return null;
}

/** The attribution headers of a request, as a plain object (absent headers are null). */
export function requestInfo(req) {
  const h = req.headers;
  return {
    method: req.method,
    path: req.url,
    host: h.host ?? null,
    forwardedHost: h["x-forwarded-host"] ?? null,
    session: sessionFromTracestate(h.tracestate) ?? sessionFromBaggage(h.baggage),
    referer: h.referer ?? null,
    origin: h.origin ?? null,
    traceparent: h.traceparent ?? null,
    tracestate: h.tracestate ?? null,
    baggage: h.baggage ?? null,
  };
}

/** A bounded log of recent requests (oldest dropped first). */
export function createRequestLog() {
  const entries = [];
  return {
    record(info) {
      entries.push({ at: new Date().toISOString(), ...info });
      if (entries.length > LOG_SIZE) entries.shift();
    },
    list() {
      return [...entries];
    },
  };
}

/** Path on every example service that returns its request log as JSON (not routed by Linkup's config). */
export const REQUEST_LOG_PATH = "/__example/requests";

// Small response helpers shared by the example services, so each service file shows only what
// the service does.

export function sendJson(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

export function sendText(res, status, text, contentType = "text/plain; charset=utf-8") {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * What every example service answers the same way: `/healthz` and the request log. Returns the
 * request's info (already logged) when the service should answer it, or null when it was answered.
 */
export function handleCommon(req, res, log, requestInfo, logPath) {
  if (req.url === "/healthz") {
    sendText(res, 200, "ok\n");
    return null;
  }
  if (req.url === logPath) {
    sendJson(res, 200, { requests: log.list() });
    return null;
  }
  const info = requestInfo(req);
  log.record(info);
  return info;
}

// The `auth` service of the example: answers who the caller is. It is only ever called server to
// server (by `api`, through Linkup), so the session it reports shows that Linkup attributed the
// call by the `baggage` header the api passed on.
import { createServer } from "node:http";
import { createRequestLog, requestInfo, REQUEST_LOG_PATH } from "./request-info.mjs";
import { sendJson, handleCommon } from "./respond.mjs";

/** @param {{ copy: "local" | "remote" }} options */
export function createAuthService({ copy }) {
  const log = createRequestLog();
  const server = createServer((req, res) => {
    const info = handleCommon(req, res, log, requestInfo, REQUEST_LOG_PATH);
    if (!info) return;
    sendJson(res, 200, {
      message: `auth (${copy} copy) for session ${info.session ?? "(none)"}`,
      service: "auth",
      copy,
      session: info.session,
      // A different user per copy makes "which auth answered" visible in the page.
      user: copy === "local" ? "dev@localhost" : "alice@example.test",
    });
  });
  return { name: "auth", copy, server, log };
}

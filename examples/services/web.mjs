// The `web` service of the example: an HTML page whose script calls `api.<domain>` from the
// browser (a cross-origin fetch Linkup attributes by Referer/Origin) and opens a WebSocket to it.
// The remote copy also serves "preview builds" under /previews/<id>/, which a preview session
// reaches through a URL override with a base path.
import { createServer } from "node:http";
import { createRequestLog, requestInfo, REQUEST_LOG_PATH } from "./request-info.mjs";
import { sendText, handleCommon } from "./respond.mjs";

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Runs in the browser. The api lives at `api.<domain>` on the same port as the page (the worker
// or the local server), so the script derives it from its own location: no config in the page.
const PAGE_SCRIPT = `
const show = (id, value) => { document.getElementById(id).textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2); };
const [label, ...rest] = location.hostname.split(".");
const apiOrigin = location.protocol + "//api." + rest.join(".") + (location.port ? ":" + location.port : "");
const wsUrl = apiOrigin.replace(/^http/, "ws") + "/ws";
let pending = 2;
const done = () => { if (--pending === 0) document.body.dataset.ready = "1"; };
fetch(apiOrigin + "/hello")
  .then(async (r) => { const body = await r.json().catch(() => ({ error: "HTTP " + r.status })); window.apiResult = body; show("api", body.message ?? body); show("auth", body.auth?.message ?? body.auth ?? "-"); })
  .catch((e) => { window.apiResult = { error: String(e) }; show("api", "fetch failed: " + e); })
  .finally(done);
try {
  const ws = new WebSocket(wsUrl);
  const timer = setTimeout(() => { show("ws", "no answer"); ws.close(); done(); }, 5000);
  ws.onopen = () => ws.send("ping from " + label);
  ws.onmessage = (e) => { clearTimeout(timer); window.wsResult = JSON.parse(e.data); show("ws", window.wsResult.from + " echoed: " + window.wsResult.echo); ws.close(); done(); };
  ws.onerror = () => { clearTimeout(timer); window.wsResult = { error: "websocket error" }; show("ws", "websocket error"); done(); };
} catch (e) { show("ws", String(e)); done(); }
`;

function renderPage({ title, copy, session, preview }) {
  const colour = preview ? "#7b3fb8" : copy === "local" ? "#1f7a3a" : "#1f4f9a";
  // The first line names the copy, so `curl ... | head -1` shows who answered.
  return `<!doctype html><title>${escapeHtml(title)}</title><!-- ${escapeHtml(title)} · session ${escapeHtml(session ?? "(none)")} -->
<meta charset="utf-8">
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; }
  header { background: ${colour}; color: white; padding: 18px 24px; }
  header h1 { margin: 0; font-size: 26px; }
  main { padding: 12px 24px; }
  dt { font-weight: 600; margin-top: 10px; }
  dd { margin: 2px 0 0 0; font-family: ui-monospace, monospace; white-space: pre-wrap; }
</style>
<body data-copy="${escapeHtml(copy)}" data-session="${escapeHtml(session ?? "")}" data-preview="${escapeHtml(preview ?? "")}">
<header><h1 id="web">${escapeHtml(title)}</h1><div>session <b id="session">${escapeHtml(session ?? "(none)")}</b></div></header>
<main><dl>
  <dt>api (fetched by this page from api.&lt;domain&gt;)</dt><dd id="api">loading…</dd>
  <dt>auth (called by api, server to server)</dt><dd id="auth">loading…</dd>
  <dt>WebSocket to api</dt><dd id="ws">connecting…</dd>
</dl></main>
<script type="module">${PAGE_SCRIPT}</script>
</body>
`;
}

/** @param {{ copy: "local" | "remote" }} options */
export function createWebService({ copy }) {
  const log = createRequestLog();
  const server = createServer((req, res) => {
    const info = handleCommon(req, res, log, requestInfo, REQUEST_LOG_PATH);
    if (!info) return;
    if (req.url === "/favicon.ico") return sendText(res, 204, "");
    const preview = /^\/previews\/([a-z0-9-]+)/.exec(req.url ?? "")?.[1];
    const title = preview ? `web (${copy} copy, preview build ${preview})` : `web (${copy} copy)`;
    sendText(res, 200, renderPage({ title, copy, session: info.session, preview }), "text/html; charset=utf-8");
  });
  return { name: "web", copy, server, log };
}

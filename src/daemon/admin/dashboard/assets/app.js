// The Linkup dashboard's script: plain browser JavaScript, served as is by the local server (no
// build step, no libraries, nothing loaded from elsewhere). It reads /dashboard/api/state every few
// seconds, switches a service between its local and remote copy by writing the session through the
// session API (relayed by the local server, If-Match with the version it showed), and follows the
// request log over server-sent events. Text from the server only ever reaches the page as text
// (textContent, attributes), never as HTML.
"use strict";

const API = "/dashboard/api";
const STATE_EVERY_MS = 5000;
const MAX_ROWS = 500;

let state = null;
let events = null;
let stateTimer = null;

// ---- small DOM helpers ---------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function notice(text, kind) {
  const n = document.getElementById("notice");
  if (!text) {
    n.hidden = true;
    return;
  }
  n.textContent = text;
  n.className = "notice" + (kind === "error" ? " error" : "");
  n.hidden = false;
}

function dot(status) {
  return el("span", { class: "dot " + (status || ""), title: status || "unknown" });
}

async function api(path, init) {
  const res = await fetch(API + path, { credentials: "same-origin", ...init, headers: { accept: "application/json", ...(init && init.headers) } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status === 401) {
    notice("The dashboard login has expired: run `linkup dashboard` again.", "error");
    stopPolling();
  }
  return { res, body };
}

// ---- state: sessions, services, health -------------------------------------------------------

async function loadState() {
  const { res, body } = await api("/state");
  if (!res.ok) return;
  state = body;
  render();
}

function startPolling() {
  stopPolling();
  stateTimer = setInterval(() => void loadState().catch(() => {}), STATE_EVERY_MS);
}

function stopPolling() {
  if (stateTimer) clearInterval(stateTimer);
  stateTimer = null;
}

function renderComponents() {
  const set = (name, status, detail) => {
    const li = document.querySelector(`[data-component="${name}"]`);
    li.querySelector(".dot").className = "dot " + status;
    li.querySelector(".detail").textContent = detail;
  };
  const s = state.local_server;
  set("local_server", "ok", `pid ${s.pid}, proxy :${s.ports.proxy}, up since ${new Date(s.started_at).toLocaleTimeString()}`);
  const w = state.worker;
  if (!w.url) set("worker", "", "not given (run `linkup dashboard` in your project)");
  else set("worker", w.reachable && !w.error ? "ok" : "error", `${w.embedded ? "embedded, " : ""}${w.url}${w.error ? ` (${w.error})` : ""}`);
  const t = state.tunnel;
  const tunnelStatus = t.state === "connected" ? "ok" : t.state === "stopped" ? "" : "warn";
  set("tunnel", tunnelStatus, t.state === "stopped" ? (w.embedded ? "direct (the embedded worker reaches this machine)" : "cloudflared not running") : `${t.state}${t.hostname ? ` ${t.hostname}` : ""}${t.last_error ? ` (${t.last_error})` : ""}`);
}

function routeLabel(route) {
  return route === "local" || route === "remote" ? route : "override";
}

function serviceRow(session, svc) {
  const placements = Object.keys(svc.routes);
  const routes = placements.map((p) => svc.routes[p]);
  const current = routes[0];
  const same = routes.every((r) => r === current);
  const pressed = (to) => same && current === to;
  const canLocal = session.type !== "preview" && svc.local !== null;
  const canRemote = svc.remote !== null;
  const switchBox = el(
    "span",
    { class: "switch", role: "group", "aria-label": `route of ${svc.name}` },
    el("button", { type: "button", class: "route", "data-to": "local", "aria-pressed": String(pressed("local")), disabled: !canLocal, onclick: () => flip(session, svc.name, "local") }, "local"),
    el("button", { type: "button", class: "route", "data-to": "remote", "aria-pressed": String(pressed("remote")), disabled: !canRemote, onclick: () => flip(session, svc.name, "remote") }, "remote"),
  );
  const copyCell = (url, health) =>
    url ? el("td", {}, dot(health && health.status), " ", el("code", {}, url), health && health.error ? el("span", { class: "meta" }, ` ${health.error}`) : null) : el("td", { class: "meta" }, "none");
  return el(
    "tr",
    { class: "service", "data-service": svc.name, "data-route": same ? routeLabel(current) : "mixed" },
    el("td", {}, svc.name),
    el(
      "td",
      {},
      switchBox,
      same && routeLabel(current) === "override" ? el("span", { class: "override" }, ` URL override: ${current}`) : null,
      same ? null : el("span", { class: "mismatch" }, ` sides differ: ${placements.map((p) => `${p} ${routeLabel(svc.routes[p])}`).join(", ")}`),
    ),
    copyCell(svc.local, svc.health.local),
    copyCell(svc.remote, svc.health.remote),
  );
}

function sessionCard(session) {
  const placements = session.copies.map((c) => c.placement).sort();
  return el(
    "article",
    { class: "session", "data-session": session.name },
    el(
      "div",
      { class: "session-head" },
      el("span", { class: "session-name" }, session.name),
      session.name === state.personal ? el("span", { class: "badge you" }, "your session") : null,
      el("span", { class: "badge", "data-type": session.type }, session.type),
      el("span", { class: "meta" }, `on ${placements.join(" + ")}`),
      el("span", { class: "meta", "data-field": "owner" }, "owner: ", session.owner ? session.owner : el("span", { class: "pending" }, "shared")),
      el("span", { class: "meta", "data-field": "expires" }, "expires: ", session.expires_at ? new Date(session.expires_at).toLocaleString() : el("span", { class: "pending" }, "never")),
      session.managed_by ? el("span", { class: "meta" }, `managed by ${session.managed_by}`) : null,
    ),
    el("div", { class: "urls" }, session.urls.map((u) => el("a", { href: u, target: "_blank", rel: "noopener noreferrer" }, u))),
    el(
      "table",
      { class: "services" },
      el("thead", {}, el("tr", {}, el("th", {}, "service"), el("th", {}, "route"), el("th", {}, "local copy"), el("th", {}, "remote copy"))),
      el("tbody", {}, session.services.map((svc) => serviceRow(session, svc))),
    ),
  );
}

function fillSelect(id, names) {
  const select = document.getElementById(id);
  const chosen = select.value;
  const have = new Set([...select.options].map((o) => o.value));
  for (const name of names) if (!have.has(name)) select.append(el("option", { value: name }, name));
  select.value = chosen;
}

function render() {
  renderComponents();
  const box = document.getElementById("sessions");
  box.replaceChildren(...state.sessions.map(sessionCard));
  document.getElementById("sessions-empty").hidden = state.sessions.length > 0;
  fillSelect("filter-session", state.sessions.map((s) => s.name));
  fillSelect("filter-service", [...new Set(state.sessions.flatMap((s) => s.services.map((x) => x.name)))].sort());
  document.getElementById("footer").textContent =
    `Local server ${state.local_server.version}, admin port ${state.local_server.ports.admin}` +
    (state.config_file ? ` - config ${state.config_file}` : "") +
    ` - updated ${new Date(state.generated_at).toLocaleTimeString()}`;
}

// ---- the switch: write each side's copy with If-Match ---------------------------------------

async function flip(session, service, to) {
  notice("");
  // Worker first: it is where browsers enter for a tunneled session; the local copy follows.
  const order = ["worker", "local"];
  const copies = [...session.copies].sort((a, b) => order.indexOf(a.placement) - order.indexOf(b.placement));
  for (const copy of copies) {
    const record = copy.record;
    const spec = { ...record.spec, services: record.spec.services.map((s) => (s.name === service ? { ...s, route: to } : s)) };
    const { res, body } = await api(`/sessions/${copy.placement}/${encodeURIComponent(session.name)}`, {
      method: "PUT",
      headers: { "content-type": "application/json", "if-match": `"${record.version}"` },
      // Owner and manager stay as they are: a switch is drift, not a change of hands.
      body: JSON.stringify({ spec, managed_by: record.managed_by, owner: record.owner ?? null }),
    });
    if (res.status === 412) {
      await loadState();
      notice(`Session ${session.name} changed elsewhere (on the ${copy.placement} side) since this page showed it: the page now shows its current state. Switch again if you still want to.`);
      return;
    }
    if (!res.ok) {
      await loadState();
      notice(`Could not switch ${service} of ${session.name} on the ${copy.placement} side: ${(body && body.error && body.error.message) || res.status}`, "error");
      return;
    }
  }
  await loadState();
}

// ---- the request log ------------------------------------------------------------------------

function timeOf(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function explanation(r) {
  const rows = [];
  const add = (term, value) => rows.push(el("dt", {}, term), el("dd", {}, value));
  add("routed by", r.at === "worker" ? "the worker" : "the local server");
  if (r.attribution) add("session", `${r.session}, named by ${r.attribution.source} (${r.attribution.source === "tracestate" || r.attribution.source === "baggage" ? `linkup-session=${r.attribution.value}` : r.attribution.value})`);
  else if (r.tried.length) add("session", `none: ${r.tried.map((t) => `${t.name} (from ${t.source})`).join(", ")} ${r.tried.length === 1 ? "is not a session" : "are not sessions"}`);
  else if (!r.session) add("session", "none: the request named no session (no session label in the host, no Referer, Origin, tracestate or baggage naming one)");
  if (r.destination) add("service chosen", "by the worker (linkup-destination), no matching here");
  else if (r.domain) add("domain", r.domain);
  if (r.domain) add("route", r.route ? `path matched ${r.route}` : "no route matched: the domain's default service");
  for (const w of r.rewrites) add("rewrite", `${w.source} -> ${w.target}`);
  if (r.service) add("service", `${r.service}${r.location ? ` (${r.location})` : ""}`);
  if (r.target) add("target", `${r.target}${r.via_tunnel ? " (the session's tunnel)" : ""}`);
  if (r.failure) add("failure", `${r.failure.kind}: ${r.failure.detail}`);
  add("answer", `${r.status} after ${r.duration_ms} ms`);
  return el("dl", { class: "explain" }, rows);
}

function requestRow(r) {
  const row = el(
    "tr",
    {
      class: "request" + (r.failure ? " failed" : ""),
      "data-id": r.id,
      "data-at": r.at,
      "data-session": r.session || "",
      "data-service": r.service || "",
      "data-location": r.location || "",
      "data-status": r.status,
      tabindex: 0,
    },
    el("td", {}, timeOf(r.time)),
    el("td", {}, r.at),
    el("td", {}, r.method),
    el("td", {}, r.host),
    el("td", { class: "path" }, r.path),
    el("td", {}, r.session || "-"),
    el("td", {}, r.service || "-"),
    el("td", {}, r.failure ? r.failure.kind : r.via_tunnel ? "tunnel" : r.location || "-"),
    el("td", { class: "status" }, r.status),
    el("td", {}, r.duration_ms),
  );
  const toggle = () => {
    const next = row.nextElementSibling;
    if (next && next.classList.contains("detail")) next.remove();
    else row.after(el("tr", { class: "detail", "data-for": r.id }, el("td", { colspan: 10 }, explanation(r))));
  };
  row.addEventListener("click", toggle);
  row.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      toggle();
    }
  });
  return row;
}

function addRequest(r) {
  const body = document.querySelector("#requests tbody");
  const row = requestRow(r);
  // Newest first by the time each request arrived (the worker's records reach the log a little late).
  const ts = Date.parse(r.time);
  row.dataset.ts = String(ts);
  const later = [...body.querySelectorAll("tr.request")].find((x) => Number(x.dataset.ts) <= ts);
  if (later) later.before(row);
  else body.append(row);
  const rows = body.querySelectorAll("tr.request");
  for (let i = MAX_ROWS; i < rows.length; i++) {
    const extra = rows[i];
    if (extra.nextElementSibling && extra.nextElementSibling.classList.contains("detail")) extra.nextElementSibling.remove();
    extra.remove();
  }
}

function follow() {
  if (events) events.close();
  document.querySelector("#requests tbody").replaceChildren();
  const params = new URLSearchParams();
  const session = document.getElementById("filter-session").value;
  const service = document.getElementById("filter-service").value;
  if (session) params.set("session", session);
  if (service) params.set("service", service);
  const stateBox = document.getElementById("stream-state");
  events = new EventSource(`${API}/requests/stream${params.size ? "?" + params : ""}`);
  events.addEventListener("open", () => (stateBox.textContent = "live"));
  events.addEventListener("error", () => (stateBox.textContent = "reconnecting"));
  events.addEventListener("request", (e) => addRequest(JSON.parse(e.data)));
}

// ---- start ----------------------------------------------------------------------------------

document.getElementById("refresh").addEventListener("click", () => void loadState());
document.getElementById("filters").addEventListener("change", follow);
document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
loadState()
  .then(() => {
    document.body.dataset.ready = "1";
    startPolling();
  })
  .catch((error) => notice(`Could not read the local server: ${error.message}`, "error"));
follow();

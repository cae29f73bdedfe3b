// The curl lines the demo prints and runs: for each session, one request per route of the
// example config (the page, /auth on the page's domain, and the api on api.example.test
// attributed by Referer, which in turn calls auth attributed by baggage), sent to the entry
// that serves that session type: the worker for tunneled and preview sessions, the local server
// for isolated ones. Every URL is the no-setup form Linkup prints, `<session>.<domain>.localhost`:
// curl and browsers resolve `*.localhost` to this machine, so no -H Host and no DNS change.
import { execFile } from "node:child_process";
import { request } from "node:http";
import { EXAMPLE_DOMAIN } from "../ports.mjs";

/** Which Linkup entry serves a session type. */
export function entryFor(type, ports) {
  return type === "isolated" ? { port: ports.proxy, what: "the local server" } : { port: ports.worker, what: "the worker" };
}

/** The browser URL of a session's page, as `linkup sessions list` prints it. */
export function sessionUrl(name, type, ports, domain = EXAMPLE_DOMAIN) {
  return `http://${name}.${domain}.localhost:${entryFor(type, ports).port}/`;
}

/** @returns {{ route: string, service: string, url: string, headers: Record<string,string>, curl: string }[]} */
export function routingChecks(session, ports, domain = EXAMPLE_DOMAIN) {
  const page = session.url ?? sessionUrl(session.name, session.type, ports, domain);
  const origin = page.replace(/\/$/, "");
  // The api's own domain on the same listener: the page's host with its session label swapped.
  const apiOrigin = origin.replace(`//${session.name}.`, "//api.");
  const make = (route, service, url, headers) => ({
    route,
    service,
    url,
    headers,
    curl: ["curl -s", ...Object.entries(headers).map(([k, v]) => `-H '${k}: ${v}'`), url].join(" "),
  });
  return [
    make(`${session.name}.${domain}/`, "web", `${origin}/`, {}),
    make(`${session.name}.${domain}/auth/...`, "auth", `${origin}/auth/check`, {}),
    make(`api.${domain}/hello, Referer ${session.name}.${domain}`, "api", `${apiOrigin}/hello`, { Referer: page }),
  ];
}

let curlAvailable;
function hasCurl() {
  curlAvailable ??= new Promise((resolve) => execFile("curl", ["--version"], (err) => resolve(!err)));
  return curlAvailable;
}

/** Runs a check with curl when installed (else the same request from Node); resolves with the answer's first line. */
export async function runCheck(check) {
  if (await hasCurl()) {
    const args = ["-s", "--max-time", "10"];
    for (const [k, v] of Object.entries(check.headers)) args.push("-H", `${k}: ${v}`);
    args.push(check.url);
    return new Promise((resolve) => execFile("curl", args, (err, stdout) => resolve(err && !stdout ? `(curl failed: ${err.message.split("\n")[0]})` : firstLine(stdout))));
  }
  return new Promise((resolve) => {
    const headers = Object.fromEntries(Object.entries(check.headers).map(([k, v]) => [k.toLowerCase(), v]));
    // Without curl: connect to loopback as curl and browsers do for *.localhost (the system
    // resolver may not know these names); the Host header still names the session.
    const url = new URL(check.url);
    headers.host = url.host;
    const target = url.hostname.endsWith(".localhost") ? `${url.protocol}//127.0.0.1:${url.port}${url.pathname}${url.search}` : check.url;
    const req = request(target, { headers, signal: AbortSignal.timeout(10_000) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(firstLine(body)));
    });
    req.on("error", (e) => resolve(`(request failed: ${e.message})`));
    req.end();
  });
}

const firstLine = (text) => text.split("\n")[0].trim();

// The curl lines the demo prints and runs: for each session, one request per route of the
// example config (the page, /auth on the page's domain, and the api on api.example.test
// attributed by Referer, which in turn calls auth attributed by baggage), sent to the entry
// that serves that session type: the worker for tunneled and preview sessions, the local server
// for isolated ones.
import { execFile } from "node:child_process";
import { request } from "node:http";
import { EXAMPLE_DOMAIN } from "../ports.mjs";

/** Which Linkup entry serves a session type, and what to call it in the output. */
export function entryFor(type, ports) {
  return type === "isolated"
    ? { url: `http://127.0.0.1:${ports.proxy}`, port: ports.proxy, what: "the local server" }
    : { url: `http://127.0.0.1:${ports.worker}`, port: ports.worker, what: "the worker" };
}

/** The browser URL of a session's page. */
export function sessionUrl(name, type, ports) {
  return `http://${name}.${EXAMPLE_DOMAIN}:${entryFor(type, ports).port}/`;
}

/** @returns {{ route: string, service: string, url: string, headers: Record<string,string>, curl: string }[]} */
export function routingChecks(session, ports, domain = EXAMPLE_DOMAIN) {
  const entry = entryFor(session.type, ports);
  const host = `${session.name}.${domain}`;
  const make = (route, service, path, headers) => ({
    route,
    service,
    url: entry.url + path,
    headers,
    curl: `curl -s ${Object.entries(headers)
      .map(([k, v]) => `-H '${k}: ${v}'`)
      .join(" ")} ${entry.url}${path}`,
  });
  return [
    make(`${host}/`, "web", "/", { Host: host }),
    make(`${host}/auth/...`, "auth", "/auth/check", { Host: host }),
    make(`api.${domain}/hello, Referer ${host}`, "api", "/hello", { Host: `api.${domain}`, Referer: `http://${host}:${entry.port}/` }),
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
    const req = request(check.url, { headers, signal: AbortSignal.timeout(10_000) }, (res) => {
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

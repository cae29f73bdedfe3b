#!/usr/bin/env node
// A stand-in for the cloudflared binary: accepts `tunnel [--no-autoupdate] run` with the run token
// in TUNNEL_TOKEN (or --token), prints cloudflared's real startup log lines to stderr, and serves
// the ingress: an HTTP listener on FAKE_CLOUDFLARED_PORT forwarding every request to
// FAKE_CLOUDFLARED_INGRESS (what Cloudflare's edge would send down the tunnel).
// FAKE_CLOUDFLARED_DELAY_MS delays the "Registered tunnel connection" line.
import http from "node:http";
import { randomUUID } from "node:crypto";

const ts = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const log = (level, msg) => process.stderr.write(`${ts()} ${level} ${msg}\n`);

const args = process.argv.slice(2);
if (args[0] === "--version" || args[0] === "version") {
  process.stdout.write("cloudflared version 2025.4.0 (built 2025-04-01-1200 UTC)\n");
  process.exit(0);
}
const tokenFlag = args.indexOf("--token");
const token = tokenFlag >= 0 ? args[tokenFlag + 1] : process.env.TUNNEL_TOKEN;
if (args[0] !== "tunnel" || !args.includes("run")) {
  log("ERR", `unsupported arguments: ${args.join(" ")}`);
  process.exit(2);
}
let tunnelId;
try {
  tunnelId = JSON.parse(Buffer.from(token ?? "", "base64").toString("utf8")).t;
} catch {
  tunnelId = undefined;
}
if (!tunnelId) {
  log("ERR", "Provided Tunnel token is not valid.");
  process.exit(1);
}

log("INF", `Starting tunnel tunnelID=${tunnelId}`);
log("INF", "Version 2025.4.0 (Checksum 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0)");
log("INF", `GOOS: ${process.platform}, GOVersion: go1.22.5, GoArch: ${process.arch}`);
log("INF", `Settings: map[no-autoupdate:${args.includes("--no-autoupdate")} token:*****]`);
log("INF", `Generated Connector ID: ${randomUUID()}`);
log("INF", "Initial protocol quic");

const ingress = process.env.FAKE_CLOUDFLARED_INGRESS;
const port = Number(process.env.FAKE_CLOUDFLARED_PORT ?? 0);
const server = http.createServer((req, res) => {
  if (!ingress) {
    res.writeHead(404).end();
    return;
  }
  const target = new URL(req.url ?? "/", ingress);
  const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on("error", (err) => {
    log("ERR", `Request failed error="${err.message}" dest=${target} type=http`);
    res.writeHead(502).end();
  });
  req.pipe(upstream);
});
server.listen(port, "127.0.0.1", () => {
  log("INF", `Starting metrics server on 127.0.0.1:${server.address().port}/metrics`);
  setTimeout(() => {
    log("INF", `Registered tunnel connection connIndex=0 connection=${randomUUID()} event=0 ip=198.41.192.7 location=ams01 protocol=quic`);
  }, Number(process.env.FAKE_CLOUDFLARED_DELAY_MS ?? 50));
});

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    log("INF", `Initiating graceful shutdown due to signal ${sig === "SIGTERM" ? "terminated" : "interrupt"} ...`);
    server.close();
    process.exit(0);
  });
}

// A reference point for the Linkup proxy: the least a Node reverse proxy can do (node:http,
// keep-alive agent, pipe both ways, no routing, no header rules). The gap between it and nginx is
// Node's; the gap between it and Linkup is Linkup's. Prints {"url"} when listening.
import { Agent, createServer, request } from "node:http";

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: "lifo" });
const server = createServer({ noDelay: true, keepAliveTimeout: 100_000 }, (req, res) => {
  const headers = { ...req.headers, host: upstream.host };
  delete headers.connection;
  const proxyReq = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (proxyRes) => {
    res.writeHead(proxyRes.statusCode, proxyRes.headers);
    proxyRes.pipe(res);
  });
  proxyReq.on("error", () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(proxyReq);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + "\n"));
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  agent.destroy();
  process.exit(0);
});

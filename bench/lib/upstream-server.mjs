// The upstream every proxy in the bench forwards to, run as its own process so its CPU is not
// shared with the load generator: `/1k` answers 1 KiB, `/10m` streams 10 MiB in 64 KiB chunks
// (respecting backpressure, so nothing buffers the whole body). Prints {"port": N} when ready.
import { createServer } from "node:http";

const ONE_KIB = Buffer.alloc(1024, "x");
const CHUNK = Buffer.alloc(64 * 1024, "y");
const STREAM_BYTES = 10 * 1024 * 1024;

const server = createServer((req, res) => {
  if (req.url === "/10m") {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": STREAM_BYTES });
    let sent = 0;
    const pump = () => {
      while (sent < STREAM_BYTES) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
    return;
  }
  res.writeHead(200, { "content-type": "text/plain", "content-length": ONE_KIB.length });
  res.end(ONE_KIB);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});

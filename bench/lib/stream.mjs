// Throughput of one streamed 10 MiB body, downloaded `repeat` times (after one warm-up download)
// over a keep-alive connection: bytes received / wall time, in MB/s (10^6 bytes per second).
import { Agent, request } from "node:http";

function download(url, headers, agent) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent, signal: AbortSignal.timeout(30_000) }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function streamThroughput(url, { headers = {}, repeat = 8 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await download(url, headers, agent); // warm-up: connection set up, JIT warm
    const start = process.hrtime.bigint();
    let bytes = 0;
    for (let i = 0; i < repeat; i++) bytes += await download(url, headers, agent);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { mb_per_s: Math.round(bytes / seconds / 1e6), bytes };
  } finally {
    agent.destroy();
  }
}

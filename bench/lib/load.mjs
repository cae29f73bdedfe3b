// Saturation load with autocannon: as many requests as 32 keep-alive connections can push (req/s),
// and the server's CPU per request. autocannon's own histogram has 1 ms resolution, so latencies
// are collected from its per-response events (float milliseconds) instead. Latency at a fixed,
// light rate is paced-load.mjs's job (autocannon's overallRate sends bursts, see there).
import autocannon from "autocannon";
import { quantile, round } from "./stats.mjs";

function run(opts) {
  return new Promise((resolve, reject) => {
    const times = [];
    const instance = autocannon({ ...opts }, (err, result) => (err ? reject(err) : resolve({ result, times })));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
}

function summarise({ result, times }, durationS) {
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return {
    requests: result.requests.total,
    rps: round(times.length / durationS, 0),
    p50_ms: round(quantile(times, 0.5), 3),
    p99_ms: round(quantile(times, 0.99), 3),
    errors: non2xx,
  };
}

/**
 * req/s with `connections` keep-alive connections for `durationS` seconds (after a short warm-up).
 * With `cpuMsOf` (CPU ms used so far by the server under test), also its CPU per request: unlike
 * req/s, that hardly depends on what else the machine is running.
 */
export async function saturation(url, { connections = 32, durationS = 5, headers = {}, cpuMsOf } = {}) {
  await run({ url, connections, duration: 1, headers });
  const cpuBefore = cpuMsOf?.();
  const measured = await run({ url, connections, duration: durationS, headers });
  const cpu = cpuMsOf ? cpuMsOf() - cpuBefore : undefined;
  const summary = summarise(measured, durationS);
  if (cpu !== undefined) summary.cpu_us_per_request = round((cpu * 1000) / Math.max(1, measured.times.length), 1);
  return summary;
}

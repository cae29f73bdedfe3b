// Load generation with autocannon. Two separate measurements, as the issue asks:
// - saturation: as many requests as 32 connections can push (req/s);
// - latency at a fixed 1,000 req/s (autocannon's overallRate), where the proxy is not saturated.
// autocannon's own histogram has 1 ms resolution, too coarse for "p99 within 1 ms of direct",
// so latencies are collected from its per-response events (float milliseconds) instead.
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

/** Latency percentiles at a fixed overall rate. */
export async function fixedRate(url, { rate = 1_000, connections = 32, durationS = 5, headers = {} } = {}) {
  await run({ url, connections, overallRate: rate, duration: 1, headers });
  return summarise(await run({ url, connections, overallRate: rate, duration: durationS, headers }), durationS);
}

// (b) The edge worker under workerd (the real bundle through startEmbeddedWorker): req/s at 32
// connections and workerd's CPU per routed request, with the session cache warm and cold.
// CPU is the workerd process's utime+stime delta (/proc) over the run, divided by the requests
// it answered; it therefore includes workerd's HTTP stack and its outbound fetch to the
// upstream, not only Linkup's routing code.
//
// Cold: the worker's session cache (src/worker/session-cache.ts) keeps at most
// SESSION_CACHE_MAX_ENTRIES (1000) names, least recently used first out, for 5 s. Cycling
// round-robin through more sessions than that evicts every name before it comes round again, so
// every request misses: a KV read (Miniflare's simulated KV, whose CPU counts here too) plus a
// session compilation.
//
// Bomb: the warm case, but the session's domain routes `^/r/(a+)+$` first and every request's
// path is `/r/` + 60 × `a` + `!`, which that pattern almost matches. A backtracking engine would
// need longer than the run for one such request; on RE2 (src/core/regex.ts) it must cost what a
// warm request costs.
//
// The request log's cost (issue 16): two more workers that differ only in REQUEST_LOG (on, off),
// each holding just the warm session, run warm rounds side by side (interleaved, at least
// LOG_ROUNDS of them); the log's overhead is the difference in workerd's CPU per request, round by
// round. Twins rather than the first worker against a quiet one: the first also holds the 1,100
// cold sessions (in its cache and its simulated KV), and its larger heap alone made each request
// cost about 10 % more, which an earlier version of this bench charged to the log. The logging
// twin's lines are read as the local server reads the embedded worker's (structured output,
// handed to a function), so their formatting in workerd counts.
//
// Tunnel hop: the embedded default as `linkup apply` starts it (one local server process hosting
// the proxy and the worker under Miniflare, the "direct" tunnel leading back to that proxy), a
// tunneled session (worker -> tunnel -> local server -> upstream) against a preview session
// through the worker alone (worker -> upstream), both at a light fixed rate (paced-load.mjs); the
// difference of the p50s, round by round, is what the tunnel hop adds.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { stringify } from "yaml";
import { createLinkupInstance } from "../lib/linkup-instance.mjs";
import { cpuMs, descendantsMatching } from "../lib/proc-cpu.mjs";
import { firstJsonLine, onStopAll, spawnTracked, stopProcess } from "../lib/processes.mjs";
import { sessionApi, singleServiceSpec } from "../lib/session-api.mjs";
import { pacedLatency } from "../lib/paced-load.mjs";
import { inRoundOrder, pairwise, round, summarize } from "../lib/stats.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const DOMAIN = "bench.test";
/** More than SESSION_CACHE_MAX_ENTRIES, so round-robin access always misses. */
const COLD_SESSIONS = 1100;
/** Warm rounds for the request log's on/off comparison, whatever `rounds` is. */
const LOG_ROUNDS = 5;
/** Requests per second for the tunnel-hop latency: light for workerd, which peaks at a few thousand. */
const TUNNEL_RATE = 200;

/** One service on the upstream; a tunneled session routing it local (through the tunnel) and a preview routing it remote. */
export function tunnelConfig(upstreamUrl) {
  return stringify({
    linkup: { config_id: "bench-tunnel" },
    services: [{ name: "web", local: upstreamUrl, remote: upstreamUrl }],
    domains: [{ domain: DOMAIN, default_service: "web" }],
    sessions: [
      { name: "tun", type: "tunneled", routes: { web: "local" } },
      { name: "prev", type: "preview", routes: { web: "remote" } },
    ],
  });
}

/** The regex-bomb path: `^/r/(a+)+$` almost matches it. */
export const BOMB_PATH = "/r/" + "a".repeat(60) + "!";

function load({ url, hostFor, durationS, connections = 32, path = "/1k" }) {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: durationS,
        requests: [
          {
            path,
            setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: hostFor(i++) } }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure({ url, pid, hostFor, durationS, path }) {
  await load({ url, hostFor, durationS: 1, path });
  const before = cpuMs(pid);
  const result = await load({ url, hostFor, durationS, path });
  const cpu = cpuMs(pid) - before;
  const ok = result["2xx"];
  return {
    rps: round(ok / durationS, 0),
    cpu_ms_per_request: round(cpu / Math.max(1, ok), 3),
    requests: ok,
    errors: result.non2xx + result.errors + result.timeouts,
    error_kinds: { non2xx: result.non2xx, socket: result.errors, timeouts: result.timeouts, statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith("2")).map(([code, v]) => [code, v.count])) },
  };
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Median and spread over the rounds of each figure.
 * @returns {{ warm: any, cold: any, warm_log?: any, warm_nolog?: any, request_log?: any, bomb?: any, bomb_vs_warm?: any, tunnel?: any }}
 */
export function workerFigures(runs) {
  const of = (list) => ({
    rps: summarize(list.map((r) => r.rps), 0),
    cpu_ms_per_request: summarize(list.map((r) => r.cpu_ms_per_request)),
    requests: list.reduce((n, r) => n + r.requests, 0),
    errors: list.reduce((n, r) => n + r.errors, 0),
  });
  /** @type {{ warm: any, cold: any, warm_log?: any, warm_nolog?: any, request_log?: any, bomb?: any, bomb_vs_warm?: any, tunnel?: any }} */
  const out = { warm: of(runs.warm), cold: of(runs.cold) };
  if (runs.bomb?.length) {
    out.bomb = of(runs.bomb);
    out.bomb_vs_warm = pairwise(runs.bomb.map((r) => r.cpu_ms_per_request), runs.warm.map((r) => r.cpu_ms_per_request), (b, w) => (w > 0 ? b / w : NaN));
  }
  if (runs.warm_nolog?.length) {
    // The twin with the log on when there is one; reports from before it compared the first worker.
    const on = runs.warm_log?.length ? runs.warm_log : runs.warm;
    if (runs.warm_log?.length) out.warm_log = of(runs.warm_log);
    out.warm_nolog = of(runs.warm_nolog);
    out.request_log = {
      cpu_ms_on: summarize(on.map((r) => r.cpu_ms_per_request)),
      cpu_ms_off: out.warm_nolog.cpu_ms_per_request,
      overhead_pct: pairwise(on.map((r) => r.cpu_ms_per_request), runs.warm_nolog.map((r) => r.cpu_ms_per_request), (a, off) => (off > 0 ? ((a - off) / off) * 100 : NaN), 1),
    };
  }
  if (runs.preview?.length && runs.tunneled?.length) {
    const lat = (list) => ({ p50_ms: summarize(list.map((r) => r.p50_ms)), p99_ms: summarize(list.map((r) => r.p99_ms)), errors: list.reduce((n, r) => n + r.errors, 0) });
    out.tunnel = {
      rate: TUNNEL_RATE,
      preview: lat(runs.preview),
      tunneled: lat(runs.tunneled),
      hop_p50_ms: pairwise(runs.tunneled.map((r) => r.p50_ms), runs.preview.map((r) => r.p50_ms), (a, b) => a - b),
    };
  }
  return out;
}

export async function workerRouting({ log, durationS = 4, rounds = 3 }) {
  const { startEmbeddedWorker } = await import("../../dist/daemon/embedded-worker/worker-host.js");
  const dir = mkdtempSync(join(tmpdir(), "linkup-bench-worker-"));
  const stops = [];
  try {
    const upstream = spawnTracked(process.execPath, [here("../lib/upstream-server.mjs")]);
    stops.push(() => stopProcess(upstream));
    const upstreamUrl = `http://127.0.0.1:${(await firstJsonLine(upstream)).port}`;

    const token = randomBytes(24).toString("hex");
    const started = async (name, vars) => {
      const before = new Set(descendantsMatching(process.pid, "workerd"));
      // Log lines are dropped here; the daemon parses them into its request log instead.
      const w = await startEmbeddedWorker({ port: 0, host: "127.0.0.1", stateDir: join(dir, name), token, vars, onLog: () => {} });
      let closing;
      const close = () => (closing ??= w.close());
      onStopAll(close);
      stops.push(close);
      const pid = descendantsMatching(process.pid, "workerd").find((p) => !before.has(p));
      if (!pid) throw new Error("could not find the workerd process to read its CPU time");
      return { worker: w, pid };
    };
    const { worker, pid } = await started("state", {});
    const quiet = await started("state-nolog", { REQUEST_LOG: "off" });
    const logged = await started("state-log", {});

    const api = sessionApi(worker.url, token);
    const spec = singleServiceSpec({ type: "preview", domain: DOMAIN, url: upstreamUrl, route: "remote" });
    await api.put("warm", spec);
    const bombSpec = { ...spec, domains: [{ ...spec.domains[0], routes: [{ path: "^/r/(a+)+$", service: "upstream" }] }] };
    await api.put("bomb", bombSpec);
    await sessionApi(quiet.worker.url, token).put("warm", spec);
    await sessionApi(logged.worker.url, token).put("warm", spec);
    log(`  creating ${COLD_SESSIONS} sessions for the cold-cache runs`);
    const names = Array.from({ length: COLD_SESSIONS }, (_, i) => `cold-${String(i).padStart(4, "0")}`);
    await mapLimit(names, 16, (name) => api.put(name, spec));

    // The embedded default, started by `linkup apply` as a user would.
    log("  starting the embedded default (linkup apply) for the tunnel hop");
    const linkup = await createLinkupInstance("tunnel");
    stops.push(() => linkup.stop());
    const configFile = join(linkup.dir, "linkup.yaml");
    writeFileSync(configFile, tunnelConfig(upstreamUrl));
    const applied = await linkup.run(["apply", "-f", configFile], { timeoutMs: 120_000 });
    if (applied.code !== 0) throw new Error(`linkup apply for the tunnel hop failed (exit ${applied.code}): ${(applied.stderr || applied.stdout).slice(-800)}`);

    // Warm and cold alternate, then preview and tunneled, `rounds` times each, so background load
    // hits both of a pair alike; each figure is the median of its rounds.
    const runs = { warm: [], cold: [], warm_log: [], warm_nolog: [], bomb: [], preview: [], tunneled: [] };
    const hostFor = {
      warm: () => `warm.${DOMAIN}`,
      cold: (i) => `${names[i % names.length]}.${DOMAIN}`,
      warm_log: () => `warm.${DOMAIN}`,
      warm_nolog: () => `warm.${DOMAIN}`,
      bomb: () => `bomb.${DOMAIN}`,
    };
    const target = {
      warm: { url: worker.url, pid },
      cold: { url: worker.url, pid },
      warm_log: { url: logged.worker.url, pid: logged.pid },
      warm_nolog: { url: quiet.worker.url, pid: quiet.pid },
      bomb: { url: worker.url, pid },
    };
    const describe = {
      warm: "warm cache (one session, every request a hit)",
      cold: "cold cache (round-robin over more sessions than the cache holds, every request a miss)",
      warm_log: "warm cache, request log on (twin of the next)",
      warm_nolog: "warm cache, request log off",
      bomb: "warm cache, every path a regex bomb for the session's route ^/r/(a+)+$",
    };
    // The log's on/off comparison gets at least LOG_ROUNDS rounds: its difference is below one round's noise.
    for (let round = 1; round <= Math.max(rounds, LOG_ROUNDS); round++)
      for (const mode of inRoundOrder(round > rounds ? ["warm_log", "warm_nolog"] : ["warm", "warm_log", "warm_nolog", "cold", "bomb"], round)) {
        log(`  round ${round}: ${describe[mode]}`);
        const path = mode === "bomb" ? BOMB_PATH : "/1k";
        runs[mode].push(await measure({ url: target[mode].url, pid: target[mode].pid, hostFor: hostFor[mode], durationS, path }));
      }
    for (let round = 1; round <= rounds; round++)
      for (const [mode, session] of inRoundOrder([["preview", "prev"], ["tunneled", "tun"]], round)) {
        log(`  round ${round}: ${mode} at ${TUNNEL_RATE} req/s`);
        runs[mode].push(await pacedLatency(`${linkup.workerUrl}/1k`, { headers: { host: `${session}.${DOMAIN}` }, rate: TUNNEL_RATE, durationS, connections: 8 }));
      }
    return { ...workerFigures(runs), bomb_path: BOMB_PATH, cold_sessions: COLD_SESSIONS, rounds: runs };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

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
// The request log's cost: a second worker with REQUEST_LOG=off runs the warm rounds beside the
// first (interleaved, best round each); the log's overhead is the difference in workerd's CPU per
// request. The first worker's log lines are read as the local server reads the embedded worker's
// (structured output, handed to a function), so their formatting in workerd counts.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { cpuMs, descendantsMatching } from "../lib/proc-cpu.mjs";
import { firstJsonLine, onStopAll, spawnTracked, stopProcess } from "../lib/processes.mjs";
import { sessionApi, singleServiceSpec } from "../lib/session-api.mjs";
import { round } from "../lib/stats.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const DOMAIN = "bench.test";
/** More than SESSION_CACHE_MAX_ENTRIES, so round-robin access always misses. */
const COLD_SESSIONS = 1100;
/** Warm rounds for the request log's on/off comparison, whatever `rounds` is. */
const LOG_ROUNDS = 3;

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

export async function workerRouting({ log, durationS = 4, rounds = 2 }) {
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

    const api = sessionApi(worker.url, token);
    const spec = singleServiceSpec({ type: "preview", domain: DOMAIN, url: upstreamUrl, route: "remote" });
    await api.put("warm", spec);
    const bombSpec = { ...spec, domains: [{ ...spec.domains[0], routes: [{ path: "^/r/(a+)+$", service: "upstream" }] }] };
    await api.put("bomb", bombSpec);
    await sessionApi(quiet.worker.url, token).put("warm", spec);
    log(`  creating ${COLD_SESSIONS} sessions for the cold-cache runs`);
    const names = Array.from({ length: COLD_SESSIONS }, (_, i) => `cold-${String(i).padStart(4, "0")}`);
    await mapLimit(names, 16, (name) => api.put(name, spec));

    // Warm and cold alternate, `rounds` times each, so background load hits both alike; the best
    // round of each counts (highest req/s; lowest CPU per request).
    const runs = { warm: [], cold: [], warm_nolog: [], bomb: [] };
    const hostFor = {
      warm: () => `warm.${DOMAIN}`,
      cold: (i) => `${names[i % names.length]}.${DOMAIN}`,
      warm_nolog: () => `warm.${DOMAIN}`,
      bomb: () => `bomb.${DOMAIN}`,
    };
    const target = {
      warm: { url: worker.url, pid },
      cold: { url: worker.url, pid },
      warm_nolog: { url: quiet.worker.url, pid: quiet.pid },
      bomb: { url: worker.url, pid },
    };
    const describe = {
      warm: "warm cache (one session, every request a hit)",
      cold: "cold cache (round-robin over more sessions than the cache holds, every request a miss)",
      warm_nolog: "warm cache, request log off",
      bomb: "warm cache, every path a regex bomb for the session's route ^/r/(a+)+$",
    };
    // The log's on/off comparison gets at least LOG_ROUNDS rounds: its difference is below one round's noise.
    for (let round = 1; round <= Math.max(rounds, LOG_ROUNDS); round++)
      for (const mode of round > rounds ? ["warm", "warm_nolog"] : ["warm", "warm_nolog", "cold", "bomb"]) {
        log(`  round ${round}: ${describe[mode]}`);
        const path = mode === "bomb" ? BOMB_PATH : "/1k";
        runs[mode].push(await measure({ url: target[mode].url, pid: target[mode].pid, hostFor: hostFor[mode], durationS, path }));
      }
    const best = (list) => ({
      rps: Math.max(...list.map((r) => r.rps)),
      cpu_ms_per_request: Math.min(...list.map((r) => r.cpu_ms_per_request)),
      requests: list.reduce((n, r) => n + r.requests, 0),
      errors: list.reduce((n, r) => n + r.errors, 0),
    });
    const warm = best(runs.warm);
    const cold = best(runs.cold);
    const bomb = best(runs.bomb);
    const warmNolog = best(runs.warm_nolog);
    const on = warm.cpu_ms_per_request;
    const off = warmNolog.cpu_ms_per_request;
    const requestLog = { cpu_ms_on: on, cpu_ms_off: off, overhead_pct: off > 0 ? Math.round(((on - off) / off) * 1000) / 10 : null };
    return { warm, cold, warm_nolog: warmNolog, bomb, bomb_path: BOMB_PATH, cold_sessions: COLD_SESSIONS, rounds: runs, request_log: requestLog };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

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
    const worker = await startEmbeddedWorker({ port: 0, host: "127.0.0.1", stateDir: join(dir, "state"), token });
    let closing;
    const closeWorker = () => (closing ??= worker.close());
    onStopAll(closeWorker);
    stops.push(closeWorker);
    const [pid] = descendantsMatching(process.pid, "workerd");
    if (!pid) throw new Error("could not find the workerd process to read its CPU time");

    const api = sessionApi(worker.url, token);
    const spec = singleServiceSpec({ type: "preview", domain: DOMAIN, url: upstreamUrl, route: "remote" });
    await api.put("warm", spec);
    const bombSpec = { ...spec, domains: [{ ...spec.domains[0], routes: [{ path: "^/r/(a+)+$", service: "upstream" }] }] };
    await api.put("bomb", bombSpec);
    log(`  creating ${COLD_SESSIONS} sessions for the cold-cache runs`);
    const names = Array.from({ length: COLD_SESSIONS }, (_, i) => `cold-${String(i).padStart(4, "0")}`);
    await mapLimit(names, 16, (name) => api.put(name, spec));

    // Warm and cold alternate, `rounds` times each, so background load hits both alike; the best
    // round of each counts (highest req/s; lowest CPU per request).
    const runs = { warm: [], cold: [], bomb: [] };
    const hostFor = { warm: () => `warm.${DOMAIN}`, cold: (i) => `${names[i % names.length]}.${DOMAIN}`, bomb: () => `bomb.${DOMAIN}` };
    const what = {
      warm: "warm cache (one session, every request a hit)",
      cold: "cold cache (round-robin over more sessions than the cache holds, every request a miss)",
      bomb: "warm cache, every path a regex bomb for the session's route ^/r/(a+)+$",
    };
    for (let round = 1; round <= rounds; round++)
      for (const mode of ["warm", "cold", "bomb"]) {
        log(`  round ${round}: ${what[mode]}`);
        runs[mode].push(await measure({ url: worker.url, pid, hostFor: hostFor[mode], durationS, path: mode === "bomb" ? BOMB_PATH : "/1k" }));
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
    return { warm, cold, bomb, bomb_path: BOMB_PATH, cold_sessions: COLD_SESSIONS, rounds: runs };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

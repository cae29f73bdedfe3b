// (a) The local proxy against the upstream directly and against nginx, all in front of the same
// upstream process: req/s at saturation (32 connections), latency at a fixed 1,000 req/s, and
// the throughput of a streamed 10 MiB body. Targets are interleaved round by round (direct,
// linkup, nginx, direct, ...) so a burst of background load hits all of them alike; the best
// round counts, as usual for throughput on a shared machine.
//
// The request log's cost: a second local server with the log off runs the saturation rounds
// beside the first (interleaved, best round each); the log's overhead is the difference in the
// local server's CPU per request.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { saturation, fixedRate } from "../lib/load.mjs";
import { findNginx, startNginx, NGINX_INSTALL_HINT } from "../lib/nginx.mjs";
import { cpuMs, descendantsMatching } from "../lib/proc-cpu.mjs";
import { firstJsonLine, spawnTracked, stopProcess } from "../lib/processes.mjs";
import { sessionApi, singleServiceSpec } from "../lib/session-api.mjs";
import { streamThroughput } from "../lib/stream.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const SESSION = "bench";
const DOMAIN = "bench.test";
const STREAM_REPEAT = 8;
/** Saturation rounds for the request log's on/off comparison, whatever `rounds` is. */
const LOG_ROUNDS = 3;

export async function proxyCompare({ log, rounds = 2, durationS = 4 }) {
  const dir = mkdtempSync(join(tmpdir(), "linkup-bench-proxy-"));
  const stops = [];
  try {
    const upstream = spawnTracked(process.execPath, [here("../lib/upstream-server.mjs")]);
    stops.push(() => stopProcess(upstream));
    const upstreamUrl = `http://127.0.0.1:${(await firstJsonLine(upstream)).port}`;

    // The local server in its own process, with one isolated session routing everything to the upstream.
    const stateDir = join(dir, "linkup-home");
    const local = spawnTracked(process.execPath, [here("../lib/local-server-child.mjs"), stateDir]);
    stops.push(() => stopProcess(local));
    const { proxyUrl, adminUrl } = await firstJsonLine(local);
    const token = readFileSync(join(stateDir, "admin-token"), "utf8").trim();
    const spec = singleServiceSpec({ type: "isolated", domain: DOMAIN, url: upstreamUrl, route: "local" });
    await sessionApi(adminUrl, token).put(SESSION, spec);
    const quietDir = join(dir, "linkup-home-nolog");
    const quiet = spawnTracked(process.execPath, [here("../lib/local-server-child.mjs"), quietDir, "--no-request-log"]);
    stops.push(() => stopProcess(quiet));
    const quietUrls = await firstJsonLine(quiet);
    await sessionApi(quietUrls.adminUrl, readFileSync(join(quietDir, "admin-token"), "utf8").trim()).put(SESSION, spec);

    // CPU is charged to the process doing the forwarding (for "direct", the upstream itself).
    const cpuOfPids = (pids) => () => pids().reduce((ms, pid) => ms + cpuMs(pid), 0);
    const targets = [
      { id: "direct", label: "upstream directly", url: upstreamUrl, headers: {}, cpuMsOf: cpuOfPids(() => [upstream.pid]) },
      { id: "linkup", label: "Linkup local proxy", url: proxyUrl, headers: { host: `${SESSION}.${DOMAIN}` }, cpuMsOf: cpuOfPids(() => [local.pid]) },
      {
        id: "linkup_nolog",
        label: "Linkup local proxy, request log off",
        url: quietUrls.proxyUrl,
        headers: { host: `${SESSION}.${DOMAIN}` },
        cpuMsOf: cpuOfPids(() => [quiet.pid]),
        saturationOnly: true,
      },
    ];
    const plain = spawnTracked(process.execPath, [here("../lib/node-proxy-child.mjs"), upstreamUrl]);
    stops.push(() => stopProcess(plain));
    const plainUrl = (await firstJsonLine(plain)).url;
    targets.push({ id: "node", label: "plain node:http proxy (reference)", url: plainUrl, headers: {}, cpuMsOf: cpuOfPids(() => [plain.pid]) });

    let nginxVersion = null;
    const nginx = findNginx();
    if (nginx) {
      const n = await startNginx({ binary: nginx, dir: join(dir, "nginx"), upstreamPort: Number(new URL(upstreamUrl).port) });
      stops.push(() => n.stop());
      nginxVersion = n.version;
      targets.push({
        id: "nginx",
        label: `nginx ${n.version.replace(/^nginx\//, "")}`,
        url: n.url,
        headers: {},
        cpuMsOf: cpuOfPids(() => [n.pid, ...descendantsMatching(n.pid, "nginx")]),
      });
    } else log(NGINX_INSTALL_HINT);

    const results = Object.fromEntries(targets.map((t) => [t.id, { label: t.label, saturation: [], latency: [], stream: [] }]));
    // The request log's overhead is a few per cent at most, below one round's noise on a shared
    // machine: the two Linkup servers get at least LOG_ROUNDS interleaved rounds each.
    for (let round = 1; round <= Math.max(rounds, LOG_ROUNDS); round++)
      for (const t of targets) {
        if (round > rounds && t.id !== "linkup" && t.id !== "linkup_nolog") continue;
        log(`  saturation round ${round}: ${t.label}`);
        results[t.id].saturation.push(await saturation(`${t.url}/1k`, { headers: t.headers, durationS, cpuMsOf: t.cpuMsOf }));
      }
    for (let round = 1; round <= rounds; round++)
      for (const t of targets.filter((x) => !x.saturationOnly)) {
        log(`  latency at 1,000 req/s round ${round}: ${t.label}`);
        results[t.id].latency.push(await fixedRate(`${t.url}/1k`, { headers: t.headers, durationS, rate: 1_000 }));
      }
    for (let round = 1; round <= rounds; round++)
      for (const t of targets.filter((x) => !x.saturationOnly)) {
        log(`  10 MiB stream round ${round}: ${t.label}`);
        const cpuBefore = t.cpuMsOf();
        const stream = await streamThroughput(`${t.url}/10m`, { headers: t.headers, repeat: STREAM_REPEAT });
        // The forwarding process's CPU per 10 MiB body: steadier than MB/s on a busy machine.
        stream.cpu_ms_per_body = Math.round(((t.cpuMsOf() - cpuBefore) / STREAM_REPEAT) * 10) / 10;
        results[t.id].stream.push(stream);
      }

    const best = {};
    for (const [id, r] of Object.entries(results)) {
      const sat = r.saturation.reduce((a, b) => (b.rps > a.rps ? b : a));
      const none = { p99_ms: null, p50_ms: null, mb_per_s: null, cpu_ms_per_body: null };
      const lat = r.latency.length ? r.latency.reduce((a, b) => (b.p99_ms < a.p99_ms ? b : a)) : none;
      const str = r.stream.length ? r.stream.reduce((a, b) => (b.mb_per_s > a.mb_per_s ? b : a)) : none;
      best[id] = {
        label: r.label,
        rps: sat.rps,
        cpu_us_per_request: Math.min(...r.saturation.map((x) => x.cpu_us_per_request)),
        sat_p50_ms: sat.p50_ms,
        sat_p99_ms: sat.p99_ms,
        p50_ms: lat.p50_ms,
        p99_ms: lat.p99_ms,
        mb_per_s: str.mb_per_s,
        stream_cpu_ms: r.stream.length ? Math.min(...r.stream.map((x) => x.cpu_ms_per_body)) : null,
        errors: r.saturation.concat(r.latency).reduce((n, x) => n + x.errors, 0),
      };
    }
    // What the request log adds to the local server's CPU per request (best round of each).
    const on = best.linkup.cpu_us_per_request;
    const off = best.linkup_nolog.cpu_us_per_request;
    const requestLog = { cpu_us_on: on, cpu_us_off: off, overhead_pct: off > 0 ? Math.round(((on - off) / off) * 1000) / 10 : null };
    return { nginx: nginxVersion, nginxMissing: nginx ? null : NGINX_INSTALL_HINT, best, rounds: results, request_log: requestLog };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

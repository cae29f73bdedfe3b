// (a) The local proxy against the upstream directly and against nginx, all in front of the same
// upstream process: req/s at saturation (32 connections), latency at a fixed 1,000 req/s, and
// the throughput of a streamed 10 MiB body. Targets are interleaved round by round (direct,
// linkup, ..., nginx, then nginx, ..., direct: every other round reversed) so a burst of
// background load, or a drift within a round, hits all of them alike; every
// figure is the median of the rounds, reported with its spread (lowest and highest round).
//
// The request log's cost (issue 16): a second local server with the log off runs the saturation
// rounds beside the first (interleaved, at least LOG_ROUNDS of them); the log's overhead is the
// difference in the local server's CPU per request, round by round.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { saturation } from "../lib/load.mjs";
import { pacedLatency } from "../lib/paced-load.mjs";
import { findNginx, startNginx, NGINX_INSTALL_HINT } from "../lib/nginx.mjs";
import { cpuMs, descendantsMatching } from "../lib/proc-cpu.mjs";
import { firstJsonLine, spawnTracked, stopProcess } from "../lib/processes.mjs";
import { sessionApi, singleServiceSpec } from "../lib/session-api.mjs";
import { inRoundOrder, pairwise, summarize } from "../lib/stats.mjs";
import { streamThroughput } from "../lib/stream.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const SESSION = "bench";
const DOMAIN = "bench.test";
const STREAM_REPEAT = 8;
/** Saturation rounds for the request log's on/off comparison, whatever `rounds` is. */
const LOG_ROUNDS = 3;

/**
 * Each figure as the median of the rounds with its spread, per target; and the comparisons the
 * targets are about, taken round by round (the rounds interleave the targets, so a round's
 * Linkup and nginx figures saw the same background load) and then summarised the same way.
 * @returns {{ figures: Record<string, any>, paired: Record<string, any>, request_log?: any }}
 */
export function proxyFigures(rounds) {
  const figures = {};
  for (const [id, r] of Object.entries(rounds)) {
    if (r.latency.length === 0 && r.stream.length === 0) {
      figures[id] = { label: r.label, rps: summarize(r.saturation.map((x) => x.rps), 0), cpu_us_per_request: summarize(r.saturation.map((x) => x.cpu_us_per_request), 1), errors: r.saturation.reduce((n, x) => n + x.errors, 0) };
      continue;
    }
    figures[id] = {
      label: r.label,
      rps: summarize(r.saturation.map((x) => x.rps), 0),
      cpu_us_per_request: summarize(r.saturation.map((x) => x.cpu_us_per_request), 1),
      cpu_us_per_request_1k: summarize(r.latency.map((x) => x.cpu_us_per_request), 0),
      p50_ms: summarize(r.latency.map((x) => x.p50_ms)),
      p99_ms: summarize(r.latency.map((x) => x.p99_ms)),
      mb_per_s: summarize(r.stream.map((x) => x.mb_per_s), 0),
      stream_cpu_ms: summarize(r.stream.map((x) => x.cpu_ms_per_body), 1),
      errors: r.saturation.concat(r.latency).reduce((n, x) => n + x.errors, 0),
    };
  }
  const { linkup, direct, nginx, node } = rounds;
  const ratio = (a, b) => (b ? a / b : NaN);
  const minus = (a, b) => a - b;
  const paired = {};
  if (linkup && direct) {
    paired.p50_over_direct_ms = pairwise(linkup.latency.map((x) => x.p50_ms), direct.latency.map((x) => x.p50_ms), minus);
    paired.p99_over_direct_ms = pairwise(linkup.latency.map((x) => x.p99_ms), direct.latency.map((x) => x.p99_ms), minus);
  }
  if (nginx && direct) {
    paired.nginx_p50_over_direct_ms = pairwise(nginx.latency.map((x) => x.p50_ms), direct.latency.map((x) => x.p50_ms), minus);
    paired.nginx_p99_over_direct_ms = pairwise(nginx.latency.map((x) => x.p99_ms), direct.latency.map((x) => x.p99_ms), minus);
  }
  if (node && direct) {
    paired.node_p50_over_direct_ms = pairwise(node.latency.map((x) => x.p50_ms), direct.latency.map((x) => x.p50_ms), minus);
    paired.node_p99_over_direct_ms = pairwise(node.latency.map((x) => x.p99_ms), direct.latency.map((x) => x.p99_ms), minus);
  }
  if (linkup && nginx) {
    paired.rps_vs_nginx = pairwise(linkup.saturation.map((x) => x.rps), nginx.saturation.map((x) => x.rps), ratio);
    paired.cpu_vs_nginx = pairwise(linkup.saturation.map((x) => x.cpu_us_per_request), nginx.saturation.map((x) => x.cpu_us_per_request), ratio);
    paired.cpu_1k_vs_nginx = pairwise(linkup.latency.map((x) => x.cpu_us_per_request), nginx.latency.map((x) => x.cpu_us_per_request), ratio);
    paired.mb_vs_nginx = pairwise(linkup.stream.map((x) => x.mb_per_s), nginx.stream.map((x) => x.mb_per_s), ratio);
  }
  // How late the load generator itself sent its paced requests (p99 per round, all targets): when
  // it is milliseconds, the machine was not running the bench on time either, and a p99 a few ms
  // above direct says more about the machine than about any proxy.
  paired.generator_late_p99_ms = summarize(Object.values(rounds).flatMap((r) => r.latency.map((x) => x.late_ms_p99)));
  if (linkup && node) paired.stream_cpu_vs_node = pairwise(linkup.stream.map((x) => x.cpu_ms_per_body), node.stream.map((x) => x.cpu_ms_per_body), ratio);
  // What the request log adds to the local server's CPU per request: on vs off, round by round.
  const quiet = rounds.linkup_nolog;
  const requestLog =
    linkup && quiet
      ? {
          cpu_us_on: summarize(linkup.saturation.map((x) => x.cpu_us_per_request), 1),
          cpu_us_off: summarize(quiet.saturation.map((x) => x.cpu_us_per_request), 1),
          overhead_pct: pairwise(linkup.saturation.map((x) => x.cpu_us_per_request), quiet.saturation.map((x) => x.cpu_us_per_request), (on, off) => (off > 0 ? ((on - off) / off) * 100 : NaN), 1),
        }
      : undefined;
  return { figures, paired, request_log: requestLog };
}

export async function proxyCompare({ log, rounds = 3, durationS = 4 }) {
  const dir = mkdtempSync(join(tmpdir(), "linkup-bench-proxy-"));
  const stops = [];
  try {
    const upstream = spawnTracked(process.execPath, [here("../lib/upstream-server.mjs")]);
    stops.push(() => stopProcess(upstream));
    const upstreamUrl = `http://127.0.0.1:${(await firstJsonLine(upstream)).port}`;

    // The local server in its own process, with one isolated session routing everything to the upstream.
    const stateDir = join(dir, "linkup-home");
    // The local server's process is started as `linkup start` starts it (core localServerProcess).
    const LOCAL_SERVER_PROCESS = (await import("../../dist/core/settings.js")).localServerProcess(process.versions.node);
    const serverEnv = { env: { ...process.env, ...LOCAL_SERVER_PROCESS.env } };
    const local = spawnTracked(process.execPath, [...LOCAL_SERVER_PROCESS.nodeFlags, here("../lib/local-server-child.mjs"), stateDir], serverEnv);
    stops.push(() => stopProcess(local));
    const { proxyUrl, adminUrl } = await firstJsonLine(local);
    const token = readFileSync(join(stateDir, "admin-token"), "utf8").trim();
    const spec = singleServiceSpec({ type: "isolated", domain: DOMAIN, url: upstreamUrl, route: "local" });
    await sessionApi(adminUrl, token).put(SESSION, spec);
    const quietDir = join(dir, "linkup-home-nolog");
    const quiet = spawnTracked(process.execPath, [...LOCAL_SERVER_PROCESS.nodeFlags, here("../lib/local-server-child.mjs"), quietDir, "--no-request-log"], serverEnv);
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
      for (const t of inRoundOrder(targets, round)) {
        if (round > rounds && t.id !== "linkup" && t.id !== "linkup_nolog") continue;
        log(`  saturation round ${round}: ${t.label}`);
        results[t.id].saturation.push(await saturation(`${t.url}/1k`, { headers: t.headers, durationS, cpuMsOf: t.cpuMsOf }));
      }
    for (let round = 1; round <= rounds; round++)
      for (const t of inRoundOrder(targets.filter((x) => !x.saturationOnly), round)) {
        log(`  latency at 1,000 req/s round ${round}: ${t.label}`);
        const cpuBefore = t.cpuMsOf();
        const latency = await pacedLatency(`${t.url}/1k`, { headers: t.headers, durationS, rate: 1_000 });
        // CPU per request at the same rate for every target (at saturation each runs at its own
        // rate, and a faster server batches more work per wake-up).
        latency.cpu_us_per_request = Math.round(((t.cpuMsOf() - cpuBefore) * 1000) / Math.max(1, latency.requests));
        results[t.id].latency.push(latency);
      }
    for (let round = 1; round <= rounds; round++)
      for (const t of inRoundOrder(targets.filter((x) => !x.saturationOnly), round)) {
        log(`  10 MiB stream round ${round}: ${t.label}`);
        const cpuBefore = t.cpuMsOf();
        const stream = await streamThroughput(`${t.url}/10m`, { headers: t.headers, repeat: STREAM_REPEAT });
        // The forwarding process's CPU per 10 MiB body: steadier than MB/s on a busy machine.
        stream.cpu_ms_per_body = Math.round(((t.cpuMsOf() - cpuBefore) / STREAM_REPEAT) * 10) / 10;
        results[t.id].stream.push(stream);
      }
    return { nginx: nginxVersion, nginxMissing: nginx ? null : NGINX_INSTALL_HINT, ...proxyFigures(results), rounds: results };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

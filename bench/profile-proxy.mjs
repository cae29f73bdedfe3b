#!/usr/bin/env node
// Profiles the local proxy under load: the built local server (dist/) runs in its own process in
// front of the bench's upstream while this script drives it. After a warm-up (connections open,
// code optimised) V8's CPU profiler is started in that process (SIGUSR2, see
// lib/local-server-child.mjs), so the profile holds the measured load only; on exit it is
// summarised (frames by self time), folded and drawn as a flame graph.
//   node bench/profile-proxy.mjs [--load light|saturation|stream] [--seconds 10] [--out DIR]
//     light:      1,000 req/s, evenly paced (paced-load.mjs), 1 KiB responses
//     saturation: 32 connections as fast as they go (autocannon), 1 KiB responses
//     stream:     10 MiB downloads one after another
// Writes DIR/proxy.cpuprofile (open in Chrome DevTools), DIR/proxy.folded, DIR/flame.svg and
// DIR/top.txt, and prints top.txt. Needs `npm run build` first. Sampled wall time: a frame that
// waits in a system call (writev, writeBuffer) or is preempted there counts until it returns.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { flameGraphSvg, foldedStacks, topSelfFrames } from "./lib/cpuprofile.mjs";
import { saturation } from "./lib/load.mjs";
import { pacedLatency } from "./lib/paced-load.mjs";
import { firstJsonLine, spawnTracked, stopAll } from "./lib/processes.mjs";
import { sessionApi, singleServiceSpec } from "./lib/session-api.mjs";
import { streamThroughput } from "./lib/stream.mjs";

const { values: flags } = parseArgs({ options: { load: { type: "string" }, seconds: { type: "string" }, out: { type: "string" } } });
const load = flags.load ?? "light";
const seconds = Number(flags.seconds ?? 10);
if (!["light", "saturation", "stream"].includes(load)) {
  process.stderr.write("--load is light, saturation or stream\n");
  process.exit(2);
}
const out = flags.out ?? mkdtempSync(join(tmpdir(), `linkup-profile-${load}-`));
mkdirSync(out, { recursive: true });
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const state = mkdtempSync(join(tmpdir(), "linkup-profile-state-"));
const log = (line) => process.stderr.write(line + "\n");

try {
  const upstream = spawnTracked(process.execPath, [here("./lib/upstream-server.mjs")]);
  const upstreamUrl = `http://127.0.0.1:${(await firstJsonLine(upstream)).port}`;
  const profileFile = join(out, "proxy.cpuprofile");
  const LOCAL_SERVER_PROCESS = (await import("../dist/core/settings.js")).localServerProcess(process.versions.node);
  const local = spawnTracked(process.execPath, [...LOCAL_SERVER_PROCESS.nodeFlags, here("./lib/local-server-child.mjs"), state], {
    env: { ...process.env, ...LOCAL_SERVER_PROCESS.env, LINKUP_BENCH_PROFILE: profileFile },
  });
  const { proxyUrl, adminUrl } = await firstJsonLine(local);
  await sessionApi(adminUrl, readFileSync(join(state, "admin-token"), "utf8").trim()).put(
    "bench",
    singleServiceSpec({ type: "isolated", domain: "bench.test", url: upstreamUrl, route: "local" }),
  );
  const headers = { host: "bench.bench.test" };
  log("warming up (2 s)");
  await saturation(`${proxyUrl}/1k`, { headers, durationS: 1 });
  await streamThroughput(`${proxyUrl}/10m`, { headers, repeat: 2 });
  local.kill("SIGUSR2");
  await new Promise((resolve) => setTimeout(resolve, 200));
  log(`profiling the local proxy (pid ${local.pid}) under ${load} load for ${seconds} s`);
  let summary;
  if (load === "light") summary = await pacedLatency(`${proxyUrl}/1k`, { headers, rate: 1_000, durationS: seconds });
  else if (load === "saturation") summary = await saturation(`${proxyUrl}/1k`, { headers, durationS: seconds });
  else {
    const until = Date.now() + seconds * 1000;
    const runs = [];
    while (Date.now() < until) runs.push((await streamThroughput(`${proxyUrl}/10m`, { headers, repeat: 4 })).mb_per_s);
    summary = { mb_per_s: runs };
  }
  log(`load: ${JSON.stringify(summary)}`);
  // SIGTERM: the child writes the profile, closes and exits.
  local.kill("SIGTERM");
  await local;
  const file = "proxy.cpuprofile";
  const profile = JSON.parse(readFileSync(profileFile, "utf8"));
  const top = topSelfFrames(profile, 30);
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const text = [
    `local proxy, ${load} load, ${seconds} s (${JSON.stringify(summary)}); profile ${Math.round(totalMs)} ms wall`,
    "self ms   share  frame",
    ...top.map((f) => `${(f.us / 1000).toFixed(1).padStart(7)}  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.label}`),
  ].join("\n");
  const folded = foldedStacks(profile);
  writeFileSync(join(out, "proxy.folded"), folded.join("\n") + "\n");
  writeFileSync(join(out, "flame.svg"), flameGraphSvg(folded, { title: `Linkup local proxy, ${load} load` }));
  writeFileSync(join(out, "top.txt"), text + "\n");
  process.stdout.write(text + "\n");
  log(`wrote ${out}/{${file},proxy.folded,flame.svg,top.txt}`);
} finally {
  await stopAll();
  rmSync(state, { recursive: true, force: true });
}

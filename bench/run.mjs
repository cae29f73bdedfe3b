#!/usr/bin/env node
// `npm run bench`: every comparison of issue 7 in one run, on loopback only, writing
// bench/results/latest.md and latest.json and printing the markdown. Every process it starts is
// tracked and stopped, also on Ctrl-C. Needs `npm run build` first (the bench runs dist/).
//   --only a,b,c,d,e   run some suites (default all)    --quick   shorter runs, for development
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderMarkdown, evaluateTargets } from "./lib/report.mjs";
import { stopAll } from "./lib/processes.mjs";
import { createLinkupInstance } from "./lib/linkup-instance.mjs";
import { proxyCompare } from "./suites/proxy-compare.mjs";
import { workerRouting } from "./suites/worker-routing.mjs";
import { reconcileScale } from "./suites/reconcile-scale.mjs";
import { watchLatency } from "./suites/watch-latency.mjs";
import { cliStartup } from "./suites/cli-startup.mjs";
import { join } from "node:path";

const { values: flags } = parseArgs({ options: { only: { type: "string" }, quick: { type: "boolean" } } });
const only = new Set((flags.only ?? "a,b,c,d,e").split(",").map((s) => s.trim()));
const quick = Boolean(flags.quick);
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
const log = (line) => process.stderr.write(line + "\n");

if (!existsSync(fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)))) {
  log("dist/ is missing: run `npm run build` first.");
  process.exit(2);
}

let interrupted = false;
// `on`, not `once`: execa's exit hook (signal-exit) re-raises a signal that no other listener
// handles, which would kill the bench half-way through stopping what it started; a repeated
// Ctrl-C must not either.
process.on("SIGINT", () => {
  if (interrupted) return log("still stopping what the bench started...");
  interrupted = true;
  log("interrupted: stopping everything the bench started");
  void stopAll().then(() => process.exit(130));
});

const started = Date.now();
const results = {
  meta: {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    free_memory_gib: Math.round(freemem() / 2 ** 30),
    load_before: loadavg().map((x) => x.toFixed(2)),
    node: process.version,
    quick,
  },
  errors: {},
};

async function suite(key, letter, title, fn) {
  if (!only.has(letter) || interrupted) return;
  log(`(${letter}) ${title}`);
  try {
    results[key] = await fn();
  } catch (e) {
    results.errors[key] = e.message.split("\n")[0];
    log(`  failed: ${e.message}`);
  }
}

try {
  await suite("proxy", "a", "local proxy vs direct vs nginx", () => proxyCompare({ log, rounds: quick ? 1 : 2, durationS: quick ? 2 : 4 }));
  await suite("worker", "b", "worker under workerd", () => workerRouting({ log, durationS: quick ? 2 : 4, rounds: quick ? 1 : 2 }));
  await suite("reconcile", "c", "reconcile at 200 services x 100 sessions", () => reconcileScale({ log, runs: 3 }));
  if ((only.has("d") || only.has("e")) && !interrupted) {
    // (d) and (e) share one private Linkup: the watch leaves a small applied config that diff reads.
    const linkup = await createLinkupInstance("watch");
    try {
      const configFile = join(linkup.dir, "watch.yaml");
      await suite("watch", "d", "watch: save to served", () => watchLatency({ log, linkup, edits: quick ? 10 : 50, drifts: quick ? 5 : 20 }));
      if (only.has("e") && !results.watch) {
        // Without a watch run, apply the same small config so diff has something to compare.
        const { watchConfig } = await import("./suites/watch-latency.mjs");
        writeFileSync(configFile, watchConfig({ local: "http://127.0.0.1:9", remote: "http://127.0.0.1:9", route: "local" }));
        await linkup.run(["apply", "-f", configFile]);
      }
      await suite("startup", "e", "process start", () => cliStartup({ log, linkup, configFile, runs: quick ? 5 : 10 }));
    } finally {
      await linkup.stop();
    }
  }
} finally {
  await stopAll();
}

results.meta.load_after = loadavg().map((x) => x.toFixed(2));
results.meta.duration_s = Math.round((Date.now() - started) / 1000);
results.targets = evaluateTargets(results);
const markdown = renderMarkdown(results);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
writeFileSync(join(resultsDir, "latest.md"), markdown + "\n");
process.stdout.write(markdown + "\n");
log(`wrote bench/results/latest.md and latest.json`);
process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;

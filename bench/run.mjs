#!/usr/bin/env node
// `npm run bench`: every comparison in one run, on loopback only, writing
// bench/results/latest.md and latest.json and printing the markdown. Every process it starts is
// tracked and stopped, also on Ctrl-C. Needs `npm run build` first (the bench runs dist/).
//   --only a,b,c,d,e   run some suites (default all)    --quick   shorter runs, one round
//   --rounds N         rounds per figure (default 3; each figure is their median, with the spread)
//   --compare FILE     add the change of every figure against an earlier latest.json
//   --compare A --to B compare two results files and print that, running nothing
//   --out NAME         write bench/results/NAME.{md,json} instead of latest.*
//   --node 22|PATH     run the whole bench under another Node (see bench/install-node.mjs)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { execa } from "execa";
import { LATENCY_METHOD, compareResults, describeRun, renderComparison } from "./lib/compare.mjs";
import { resolveNode } from "./lib/node-runtime.mjs";
import { renderMarkdown, evaluateTargets } from "./lib/report.mjs";
import { stopAll } from "./lib/processes.mjs";
import { createLinkupInstance } from "./lib/linkup-instance.mjs";
import { proxyCompare } from "./suites/proxy-compare.mjs";
import { workerRouting } from "./suites/worker-routing.mjs";
import { reconcileScale } from "./suites/reconcile-scale.mjs";
import { watchLatency } from "./suites/watch-latency.mjs";
import { cliStartup } from "./suites/cli-startup.mjs";
import { join } from "node:path";

const { values: flags } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean" },
    rounds: { type: "string" },
    compare: { type: "string" },
    to: { type: "string" },
    out: { type: "string" },
    node: { type: "string" },
  },
});
const only = new Set((flags.only ?? "a,b,c,d,e").split(",").map((s) => s.trim()));
const quick = Boolean(flags.quick);
const rounds = flags.rounds ? Number(flags.rounds) : quick ? 1 : 3;
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
const log = (line) => process.stderr.write(line + "\n");
const outName = flags.out ?? "latest";
if (!Number.isInteger(rounds) || rounds < 1) {
  log(`--rounds must be a whole number of at least 1, not ${flags.rounds}`);
  process.exit(2);
}
if (!/^[\w.-]+$/.test(outName)) {
  log(`--out takes a plain file name (letters, digits, . _ -), not ${outName}`);
  process.exit(2);
}

const readResults = (file) => {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    log(`--compare: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
};

// --compare A --to B: the comparison only.
if (flags.to) {
  if (!flags.compare) {
    log("--to needs --compare FILE (the earlier results)");
    process.exit(2);
  }
  const before = readResults(flags.compare);
  const after = readResults(flags.to);
  process.stdout.write(renderComparison(compareResults(before, after), { beforeLabel: describeRun(before, flags.compare), afterLabel: describeRun(after, flags.to) }) + "\n");
  process.exit(0);
}
const earlier = flags.compare ? readResults(flags.compare) : null;

// --node: the same command under another binary; every child process then runs it too.
if (flags.node) {
  const found = resolveNode(flags.node);
  if (found.error) {
    log(found.error);
    process.exit(2);
  }
  const args = process.argv.slice(2).filter((a, i, all) => a !== "--node" && all[i - 1] !== "--node" && !a.startsWith("--node="));
  const child = await execa(found.path, [fileURLToPath(import.meta.url), ...args], { stdio: "inherit", reject: false });
  process.exit(child.exitCode ?? 1);
}

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
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    build: buildDescription(),
    rounds,
    quick,
    methods: { latency: LATENCY_METHOD },
    // Settings of this environment that change the figures: Node before 22 reads the bundle
    // NODE_EXTRA_CA_CERTS names at every process start (tens of ms in (e)).
    environment: { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ? "set" : "unset", NODE_OPTIONS: process.env.NODE_OPTIONS || "" },
  },
  errors: {},
};

/** The commit measured (and whether the work tree had changes), for the report's first lines. */
function buildDescription() {
  try {
    const git = (...a) => execFileSync("git", a, { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src") !== "";
    return `${git("rev-parse", "--abbrev-ref", "HEAD")} at ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes under src/" : ""}`;
  } catch {
    return undefined;
  }
}

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
  await suite("proxy", "a", "local proxy vs direct vs nginx", () => proxyCompare({ log, rounds, durationS: quick ? 2 : 4 }));
  await suite("worker", "b", "worker under workerd", () => workerRouting({ log, durationS: quick ? 2 : 4, rounds }));
  await suite("reconcile", "c", "reconcile at 200 services x 100 sessions", () => reconcileScale({ log, runs: 3 }));
  if ((only.has("d") || only.has("e")) && !interrupted) {
    // (d) and (e) share one private Linkup: the watch leaves a small applied config that diff reads.
    const linkup = await createLinkupInstance("watch");
    try {
      const configFile = join(linkup.dir, "watch.yaml");
      await suite("watch", "d", "watch: save to served", () => watchLatency({ log, linkup, edits: quick ? 10 : 50, rounds, drifts: quick ? 5 : 20 }));
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
if (earlier) results.comparison = renderComparison(compareResults(earlier, results), { beforeLabel: describeRun(earlier, flags.compare), afterLabel: "this run" });
const markdown = renderMarkdown(results);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${outName}.json`), JSON.stringify(results, null, 2) + "\n");
writeFileSync(join(resultsDir, `${outName}.md`), markdown + "\n");
process.stdout.write(markdown + "\n");
log(`wrote bench/results/${outName}.md and ${outName}.json`);
process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;

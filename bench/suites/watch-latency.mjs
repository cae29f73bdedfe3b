// (d) Watch: `linkup apply --watch` running; each edit flips one service of an isolated session
// between `local` and `remote` (two upstreams answering "local" and "remote"); the time from the
// file write to the first response through the local proxy showing the new route. Then drift:
// the session is flipped behind the watch's back (a write to the local admin API, as `linkup
// route` would make), and the time until the proxy serves the config's route again is the time the
// watch took to notice and heal it. Polled every 5 ms, so figures are accurate to about that; each
// edit is bounded by a timeout. `rounds` rounds of
// `edits` edits each; p50, p95 and max are taken per round, then reported as the median of the
// rounds with their spread.
import { createServer, request } from "node:http";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { linkupBackground } from "../lib/linkup-cli.mjs";
import { stopProcess } from "../lib/processes.mjs";
import { quantile, round, summarize } from "../lib/stats.mjs";
import { sessionApi } from "../lib/session-api.mjs";

const round0 = (x) => round(x, 0);

const EDIT_TIMEOUT_MS = 5_000;
const POLL_MS = 5;
const HOST = "w.watch.test";

async function answering(text) {
  const server = createServer((_req, res) => res.end(text));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

function get(url, host) {
  return new Promise((resolve) => {
    const req = request(url, { headers: { host }, agent: false, signal: AbortSignal.timeout(1_000) }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
      res.on("error", () => resolve(""));
    });
    req.on("error", () => resolve(""));
    req.end();
  });
}

/** Resolves with the ms until `url` answers `expected`, or null after the timeout. */
async function timeUntil(url, expected, since, timeoutMs) {
  while (performance.now() - since < timeoutMs) {
    if ((await get(url, HOST)) === expected) return performance.now() - since;
    await sleep(POLL_MS);
  }
  return null;
}

export function watchConfig({ local, remote, route }) {
  return stringify({
    linkup: { config_id: "bench-watch" },
    services: [{ name: "web", local, remote }],
    domains: [{ domain: "watch.test", default_service: "web" }],
    sessions: [{ name: "w", type: "isolated", routes: { web: route } }],
  });
}

/** Runs against a Linkup instance (createLinkupInstance); leaves its runtime running for the caller. */
export async function watchLatency({ log, linkup, edits = 50, rounds = 3, drifts = 20 }) {
  const local = await answering("local");
  const remote = await answering("remote");
  const file = join(linkup.dir, "watch.yaml");
  let watcher;
  try {
    writeFileSync(file, watchConfig({ local: local.url, remote: remote.url, route: "local" }));
    watcher = linkupBackground(["apply", "--watch", "-f", file], { env: linkup.env });
    let output = "";
    watcher.stdout.on("data", (d) => (output += d));
    watcher.stderr.on("data", (d) => (output += d));
    const firstMs = await timeUntil(linkup.proxyUrl + "/", "local", performance.now(), 60_000);
    if (firstMs === null) throw new Error(`apply --watch never served the session: ${output.slice(-800)}`);

    const perRound = [];
    let route = "local";
    for (let round = 1; round <= rounds; round++) {
      const times = [];
      let missed = 0;
      log(`  round ${round}: ${edits} edits`);
      for (let i = 0; i < edits; i++) {
        route = route === "local" ? "remote" : "local";
        const t0 = performance.now();
        writeFileSync(file, watchConfig({ local: local.url, remote: remote.url, route }));
        const ms = await timeUntil(linkup.proxyUrl + "/", route, t0, EDIT_TIMEOUT_MS);
        if (ms === null) missed++;
        else times.push(ms);
        // A pause between saves, as a person editing would leave; also keeps saves from merging
        // into one debounce window.
        await sleep(100);
      }
      perRound.push({ missed, p50_ms: round0(quantile(times, 0.5)), p95_ms: round0(quantile(times, 0.95)), max_ms: round0(Math.max(...times)) });
    }
    // Drift: the live session flipped by someone else; the watch must put the config's route back.
    const admin = sessionApi(linkup.adminUrl, readFileSync(join(linkup.home, "admin-token"), "utf8").trim());
    const healed = [];
    let unhealed = 0;
    log(`  ${drifts} drifts`);
    for (let i = 0; i < drifts; i++) {
      const live = (await admin.list()).find((s) => s.name === "w");
      const wrong = route === "local" ? "remote" : "local";
      const spec = { ...live.spec, services: live.spec.services.map((s) => (s.name === "web" ? { ...s, route: wrong } : s)) };
      const t0 = performance.now();
      await admin.put("w", spec, live.managed_by);
      const ms = await timeUntil(linkup.proxyUrl + "/", route, t0, EDIT_TIMEOUT_MS);
      if (ms === null) unhealed++;
      else healed.push(ms);
      await sleep(100);
    }
    const drift = {
      drifts,
      drift_unhealed: unhealed,
      drift_p50_ms: round0(quantile(healed, 0.5)),
      drift_p95_ms: round0(quantile(healed, 0.95)),
      drift_max_ms: round0(Math.max(...healed)),
    };
    const missed = perRound.reduce((n, r) => n + r.missed, 0);
    const p50 = summarize(perRound.map((r) => r.p50_ms), 0);
    const p95 = summarize(perRound.map((r) => r.p95_ms), 0);
    const max = summarize(perRound.map((r) => r.max_ms), 0);
    return { edits, rounds, missed, p50, p95, max, p50_ms: p50.median, p95_ms: p95.median, max_ms: max.median, per_round: perRound, ...drift };
  } finally {
    // Ctrl-C, as a user would: the sessions stay as applied.
    if (watcher) {
      watcher.kill("SIGINT");
      const timer = setTimeout(() => void stopProcess(watcher), 5_000);
      await watcher.catch(() => {});
      clearTimeout(timer);
    }
    await local.close();
    await remote.close();
  }
}

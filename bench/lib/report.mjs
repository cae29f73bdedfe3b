// Turns the suite results into the report: targets (from issue 7) with pass/miss, then one table
// per comparison. Pure: results in, markdown and JSON out.

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a && b ? a / b : null);
const signed = (x, digits) => (x === null || x === undefined ? "–" : `${x >= 0 ? "+" : "−"}${fmt(Math.abs(x), digits)}`);

/** Each target: how to compute the figure from the results, and whether it passes. */
export function evaluateTargets(r) {
  const p = r.proxy?.best;
  const rows = [];
  const add = (figure, value, target, pass, available) =>
    rows.push({ figure, measured: available ? value : "not measured", target, result: available ? (pass ? "pass" : "miss") : "n/a" });

  const rpsRatio = p && p.nginx ? ratio(p.linkup.rps, p.nginx.rps) : null;
  add("(a) local proxy req/s ÷ nginx req/s, 32 connections, 1 KiB", `${fmt(rpsRatio, 2)}×`, "≥ 0.5×", rpsRatio >= 0.5, rpsRatio !== null);
  const p99Over = p ? p.linkup.p99_ms - p.direct.p99_ms : null;
  add("(a) local proxy p99 − direct p99 at 1,000 req/s", `${fmt(p99Over, 2)} ms`, "≤ 1 ms", p99Over <= 1, p99Over !== null);
  const streamRatio = p && p.nginx ? ratio(p.linkup.mb_per_s, p.nginx.mb_per_s) : null;
  add("(a) local proxy MB/s ÷ nginx MB/s, 10 MiB stream", `${fmt(streamRatio, 2)}×`, "≥ 0.8×", streamRatio >= 0.8, streamRatio !== null);
  const w = r.worker;
  add("(b) worker CPU per routed request, cache warm", `${fmt(w?.warm.cpu_ms_per_request, 3)} ms`, "≤ 1 ms", w?.warm.cpu_ms_per_request <= 1, !!w);
  add("(b) worker CPU per routed request, cache cold", `${fmt(w?.cold.cpu_ms_per_request, 3)} ms`, "≤ 1 ms", w?.cold.cpu_ms_per_request <= 1, !!w);
  const bombRatio = w?.bomb ? ratio(w.bomb.cpu_ms_per_request, w.warm.cpu_ms_per_request) : null;
  add(
    "(b) worker CPU per request whose path is a regex bomb (`^/r/(a+)+$`) ÷ a warm request's",
    `${fmt(bombRatio, 2)}× (${fmt(w?.bomb?.cpu_ms_per_request, 3)} ms)`,
    "≤ 1.25×",
    bombRatio !== null && bombRatio <= 1.25 && w.bomb.errors === 0,
    bombRatio !== null,
  );
  // Issue 16: the request log's cost, log on vs off in the same run.
  const pl = r.proxy?.request_log;
  add("(a) request log: local server CPU per request, on vs off", `${signed(pl?.overhead_pct, 1)} % (${fmt(pl?.cpu_us_on, 1)} vs ${fmt(pl?.cpu_us_off, 1)} µs)`, "≤ 5 %", pl?.overhead_pct <= 5, pl?.overhead_pct !== null && pl?.overhead_pct !== undefined);
  const wl = r.worker?.request_log;
  add("(b) request log: worker CPU per request (warm), on vs off", `${signed(wl?.overhead_pct, 1)} % (${fmt(wl?.cpu_ms_on, 3)} vs ${fmt(wl?.cpu_ms_off, 3)} ms)`, "≤ 5 %", wl?.overhead_pct <= 5, wl?.overhead_pct !== null && wl?.overhead_pct !== undefined);
  const c = r.reconcile;
  add("(c) `linkup diff`, 200 services × 100 sessions (wall, incl. process start)", `${fmt(c?.diff_ms)} ms`, "< 1,000 ms", c?.diff_ms < 1000, !!c);
  add("(c) writes made by a no-op `linkup apply` at that scale", `${fmt(c?.noop_apply_writes)}`, "0", c?.noop_apply_writes === 0, !!c);
  const d = r.watch;
  add("(d) watch: save → new route served, p95 of 50 edits", `${fmt(d?.p95_ms)} ms`, "< 300 ms", d?.p95_ms < 300 && d?.missed === 0, !!d);
  add(
    "(d) watch: drift (live write behind its back) → config's route served again, p95",
    `${fmt(d?.drift_p95_ms)} ms`,
    "< 1,000 ms",
    d?.drift_p95_ms < 1000 && d?.drift_unhealed === 0,
    d?.drift_p95_ms !== undefined,
  );
  const e = r.startup;
  add("(e) `linkup --help` process start (median)", `${fmt(e?.help.median_ms)} ms`, "< 200 ms", e?.help.median_ms < 200, !!e);
  return rows;
}

const notMeasured = (r, key) => (r.errors[key] ? `not measured: ${r.errors[key]}` : "not run (left out with --only).");

function table(header, rows) {
  return [`| ${header.join(" | ")} |`, `|${header.map((h, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function renderMarkdown(r) {
  const out = [];
  const m = r.meta;
  out.push(`# Linkup benchmark`);
  out.push("");
  out.push(`Made by \`npm run bench\` on ${m.date}: ${m.cpu} × ${m.cores} cores, ${m.memory_gib} GiB, load average ${m.load_before.join(" / ")} at start and ${(m.load_after ?? []).join(" / ")} at the end; Node ${m.node}; ${r.proxy?.nginx ?? "nginx not installed"}; ${fmt(m.duration_s)} s in all.`);
  out.push("");
  out.push("## Targets (issue 7; the request log's cost: issue 16)");
  out.push("");
  out.push(table(["figure", "measured", "target", "result"], evaluateTargets(r).map((t) => [t.figure, t.measured, t.target, t.result === "miss" ? "**miss**" : t.result])));
  out.push("");

  out.push("## (a) Local proxy vs the upstream directly vs nginx");
  out.push("");
  if (r.proxy) {
    const p = r.proxy.best;
    const rows = ["direct", "linkup", "linkup_nolog", "node", "nginx"]
      .filter((id) => p[id])
      .map((id) => [
        p[id].label,
        fmt(p[id].rps),
        p.nginx ? `${fmt(p[id].rps / p.nginx.rps, 2)}×` : "–",
        fmt(p[id].cpu_us_per_request, 1),
        fmt(p[id].p50_ms, 2),
        fmt(p[id].p99_ms, 2),
        fmt(p[id].mb_per_s),
        p.nginx && p[id].mb_per_s !== null ? `${fmt(p[id].mb_per_s / p.nginx.mb_per_s, 2)}×` : "–",
        fmt(p[id].stream_cpu_ms, 1),
      ]);
    out.push(table(["1 KiB responses", "req/s (32 conn.)", "vs nginx", "CPU µs / req.", "p50 ms @ 1k req/s", "p99 ms @ 1k req/s", "10 MiB stream MB/s", "vs nginx", "CPU ms / 10 MiB"], rows));
    if (r.proxy.nginxMissing) out.push("", `nginx column skipped: ${r.proxy.nginxMissing}`);
  } else out.push(notMeasured(r, "proxy"));
  out.push("");

  out.push("## (b) Edge worker under workerd");
  out.push("");
  if (r.worker) {
    const w = r.worker;
    out.push(
      table(
        ["routed request, 1 KiB upstream", "req/s (32 conn.)", "workerd CPU ms / request"],
        [
          ["session cache warm (one session)", fmt(w.warm.rps), fmt(w.warm.cpu_ms_per_request, 3)],
          ...(w.warm_nolog ? [["session cache warm, request log off (REQUEST_LOG=off)", fmt(w.warm_nolog.rps), fmt(w.warm_nolog.cpu_ms_per_request, 3)]] : []),
          [`session cache cold (${w.cold_sessions} sessions round-robin)`, fmt(w.cold.rps), fmt(w.cold.cpu_ms_per_request, 3)],
          ...(w.bomb ? [["cache warm, path a regex bomb for the route `^/r/(a+)+$` (60 × a + !)", fmt(w.bomb.rps), fmt(w.bomb.cpu_ms_per_request, 3)]] : []),
        ],
      ),
    );
  } else out.push(notMeasured(r, "worker"));
  out.push("");

  out.push("## (c) Reconcile at scale (200 services × 100 sessions)");
  out.push("");
  if (r.reconcile) {
    const c = r.reconcile;
    out.push(
      table(
        ["command", "wall ms (median)", "runs ms", "writes"],
        [
          ["first `linkup apply` (creates everything, starts the runtime)", fmt(c.first_apply_ms), "1 run", `${c.records.worker} worker + ${c.records.local} local records`],
          ["`linkup diff` (no changes, exit 0)", fmt(c.diff_ms), c.diff_runs_ms.join(", "), "0"],
          ["no-op `linkup apply`", fmt(c.noop_apply_ms), c.noop_apply_runs_ms.join(", "), fmt(c.noop_apply_writes)],
        ],
      ),
    );
  } else out.push(notMeasured(r, "reconcile"));
  out.push("");

  out.push("## (d) Watch: save to served");
  out.push("");
  if (r.watch) {
    const d = r.watch;
    out.push(table(["edits", "p50 ms", "p95 ms", "max ms", "not served within 5 s"], [[fmt(d.edits), fmt(d.p50_ms), fmt(d.p95_ms), fmt(d.max_ms), fmt(d.missed)]]));
    if (d.drift_p95_ms !== undefined) {
      out.push("");
      out.push("Drift healed (the session flipped through the admin API while the watch runs; until the proxy serves the config's route again):");
      out.push("");
      out.push(table(["drifts", "p50 ms", "p95 ms", "max ms", "not healed within 5 s"], [[fmt(d.drifts), fmt(d.drift_p50_ms), fmt(d.drift_p95_ms), fmt(d.drift_max_ms), fmt(d.drift_unhealed)]]));
    }
  } else out.push(notMeasured(r, "watch"));
  out.push("");

  out.push("## (e) Process start");
  out.push("");
  if (r.startup) {
    const e = r.startup;
    out.push(
      table(
        ["command", "median ms", "above `node -e 0`", "runs"],
        [
          ["`node -e 0` (floor for any Node CLI)", fmt(e.node.median_ms), "–", String(e.node.runs_ms.length)],
          ["`linkup --help`", fmt(e.help.median_ms), fmt(e.help.median_ms - e.node.median_ms), String(e.help.runs_ms.length)],
          ["`linkup diff` (1 session, runtime up)", fmt(e.diff.median_ms), fmt(e.diff.median_ms - e.node.median_ms), String(e.diff.runs_ms.length)],
        ],
      ),
    );
  } else out.push(notMeasured(r, "startup"));
  out.push("");
  return out.join("\n");
}

// Turns the suite results into the report: targets with pass/miss, then one table per comparison.
// Every figure is the median of its rounds, written with its spread as "median (lowest–highest)".
// Pure: results in, markdown and JSON out.
import { valueOf } from "./stats.mjs";

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** "12.3 (11.0–14.1)" for a summary of several rounds; the plain number for one round or a number. */
export function fmtSpread(figure, digits = 0, unit = "") {
  if (figure === null || figure === undefined) return "–";
  if (typeof figure === "number") return `${fmt(figure, digits)}${unit}`;
  if (figure.median === null || figure.median === undefined) return "–";
  const m = `${fmt(figure.median, digits)}${unit}`;
  return figure.runs && figure.runs.length > 1 && figure.min !== figure.max ? `${m} (${fmt(figure.min, digits)}–${fmt(figure.max, digits)})` : m;
}

/** Like fmtSpread, with the median's sign always written (+2.0 % (−1.0–+4.0)). */
export function fmtSigned(figure, digits = 1, unit = "") {
  const value = valueOf(figure);
  if (value === null) return "–";
  const sign = (x) => `${x >= 0 ? "+" : "−"}${fmt(Math.abs(x), digits)}`;
  const range = figure && typeof figure === "object" && figure.runs?.length > 1 && figure.min !== figure.max ? ` (${sign(figure.min)}–${sign(figure.max)})` : "";
  return `${sign(value)}${unit}${range}`;
}

/** Each target: the figure (a median with its spread), the target, and whether the median meets it. */
export function evaluateTargets(r) {
  const p = r.proxy?.figures;
  const pp = r.proxy?.paired ?? {};
  const rows = [];
  const add = (figure, value, display, target, pass) =>
    rows.push({ figure, measured: value === null || value === undefined ? "not measured" : display, target, result: value === null || value === undefined ? "n/a" : pass ? "pass" : "miss" });

  const v = (x) => valueOf(x);
  add("(a) Linkup p50 − direct p50 at 1,000 req/s", v(pp.p50_over_direct_ms), fmtSpread(pp.p50_over_direct_ms, 2, " ms"), "≤ 0.3 ms", v(pp.p50_over_direct_ms) <= 0.3);
  add("(a) Linkup p99 − direct p99 at 1,000 req/s", v(pp.p99_over_direct_ms), fmtSpread(pp.p99_over_direct_ms, 2, " ms"), "≤ 1 ms", v(pp.p99_over_direct_ms) <= 1);
  const streamCpu = p?.linkup && p?.node ? [v(p.linkup.stream_cpu_ms), v(p.node.stream_cpu_ms)] : null;
  add(
    "(a) CPU per 10 MiB stream: Linkup vs the plain Node proxy",
    streamCpu?.[0],
    streamCpu ? `${fmtSpread(p.linkup.stream_cpu_ms, 1, " ms")} vs ${fmtSpread(p.node.stream_cpu_ms, 1, " ms")}` : "",
    "≤ plain Node proxy's",
    streamCpu && streamCpu[0] <= streamCpu[1],
  );
  add("(a) Linkup MB/s ÷ nginx MB/s, 10 MiB stream", v(pp.mb_vs_nginx), fmtSpread(pp.mb_vs_nginx, 2, "×"), "≥ 0.8×", v(pp.mb_vs_nginx) >= 0.8);
  // "In every run": the lowest round must meet it, not only the median.
  add("(a) Linkup req/s ÷ nginx req/s, 32 connections (every round)", pp.rps_vs_nginx?.min, fmtSpread(pp.rps_vs_nginx, 2, "×"), "≥ 0.7× in every round", pp.rps_vs_nginx?.min >= 0.7);
  add("(a) Linkup CPU per request ÷ nginx's", v(pp.cpu_vs_nginx), fmtSpread(pp.cpu_vs_nginx, 2, "×"), "≤ 2.5×", v(pp.cpu_vs_nginx) <= 2.5);
  const w = r.worker;
  add("(b) worker CPU per routed request, cache warm", v(w?.warm.cpu_ms_per_request), fmtSpread(w?.warm.cpu_ms_per_request, 3, " ms"), "≤ 0.5 ms", v(w?.warm.cpu_ms_per_request) <= 0.5);
  add("(b) worker CPU per routed request, cache cold", v(w?.cold.cpu_ms_per_request), fmtSpread(w?.cold.cpu_ms_per_request, 3, " ms"), "≤ 0.8 ms", v(w?.cold.cpu_ms_per_request) <= 0.8);
  // Issue 11: a path that is a regex bomb for a route costs what a warm request costs (RE2).
  const bombRatio = w?.bomb_vs_warm;
  add(
    "(b) worker CPU per request whose path is a regex bomb (`^/r/(a+)+$`) ÷ a warm request's",
    v(bombRatio),
    `${fmtSpread(bombRatio, 2, "×")} (${fmtSpread(w?.bomb?.cpu_ms_per_request, 3, " ms")})`,
    "≤ 1.25×",
    v(bombRatio) <= 1.25 && w?.bomb?.errors === 0,
  );
  add("(b) tunnel hop: tunneled p50 − preview p50", v(w?.tunnel?.hop_p50_ms), fmtSpread(w?.tunnel?.hop_p50_ms, 2, " ms"), "≤ 1 ms", v(w?.tunnel?.hop_p50_ms) <= 1);
  // Issue 16: the request log's cost, log on vs off in the same run (round by round).
  const pl = r.proxy?.request_log;
  add(
    "(a) request log: local server CPU per request, on vs off",
    v(pl?.overhead_pct),
    `${fmtSigned(pl?.overhead_pct, 1, " %")} (${fmtSpread(pl?.cpu_us_on, 1, " µs")} vs ${fmtSpread(pl?.cpu_us_off, 1, " µs")})`,
    "≤ 5 %",
    v(pl?.overhead_pct) <= 5,
  );
  const wl = r.worker?.request_log;
  add(
    "(b) request log: worker CPU per request (warm), on vs off",
    v(wl?.overhead_pct),
    `${fmtSigned(wl?.overhead_pct, 1, " %")} (${fmtSpread(wl?.cpu_ms_on, 3, " ms")} vs ${fmtSpread(wl?.cpu_ms_off, 3, " ms")})`,
    "≤ 5 %",
    v(wl?.overhead_pct) <= 5,
  );
  const c = r.reconcile;
  const diff = c?.diff ?? c?.diff_ms;
  add("(c) `linkup diff`, 200 services × 100 sessions (wall, incl. process start)", v(diff), fmtSpread(diff, 0, " ms"), "< 1,000 ms", v(diff) < 1000);
  add("(c) writes made by a no-op `linkup apply` at that scale", c?.noop_apply_writes, fmt(c?.noop_apply_writes), "0", c?.noop_apply_writes === 0);
  const d = r.watch;
  const p95 = d?.p95 ?? d?.p95_ms;
  add("(d) watch: save → new route served, p95 of 50 edits", v(p95), fmtSpread(p95, 0, " ms"), "< 300 ms", v(p95) < 300 && d?.missed === 0);
  add("(d) watch: drift (live write behind its back) → config's route served again, p95", d?.drift_p95_ms, `${fmt(d?.drift_p95_ms)} ms`, "< 1,000 ms", d?.drift_p95_ms < 1000 && d?.drift_unhealed === 0);
  const e = r.startup;
  const help = e?.help.summary ?? e?.help.median_ms;
  add("(e) `linkup --help` process start (median)", v(help), fmtSpread(help, 0, " ms"), "< 200 ms", v(help) < 200);
  return rows;
}

const notMeasured = (r, key) => (r.errors[key] ? `not measured: ${r.errors[key]}` : "not run (left out with --only).");

function table(header, rows) {
  return [`| ${header.join(" | ")} |`, `|${header.map((h, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function renderMarkdown(r) {
  const out = [];
  const m = r.meta;
  const rounds = m.rounds ?? 1;
  out.push(`# Linkup benchmark`);
  out.push("");
  out.push(
    `Made by \`${m.command ?? "npm run bench"}\` on ${m.date}: ${m.cpu} × ${m.cores} cores, ${m.memory_gib} GiB, load average ${m.load_before.join(" / ")} at start and ${(m.load_after ?? []).join(" / ")} at the end; Node ${m.node} (every Node process the bench starts runs this one); ${r.proxy?.nginx ?? "nginx not installed"}; ${fmt(m.duration_s)} s in all.`,
  );
  if (m.build) out.push("", `Build: ${m.build}.`);
  const env = m.environment ?? {};
  const envNotes = [env.NODE_EXTRA_CA_CERTS === "set" ? "NODE_EXTRA_CA_CERTS is set (Node 20 reads that bundle at every process start, which (e) includes)" : "", env.NODE_OPTIONS ? `NODE_OPTIONS=${env.NODE_OPTIONS}` : ""].filter(Boolean);
  if (envNotes.length) out.push("", `Environment: ${envNotes.join("; ")}.`);
  out.push("");
  out.push(`Each figure is the median of ${rounds} round${rounds === 1 ? "" : "s"}, written as median (lowest–highest round) when the rounds differ.`);
  out.push("");
  out.push("## Targets");
  out.push("");
  out.push(table(["figure", "measured", "target", "result"], evaluateTargets(r).map((t) => [t.figure, t.measured, t.target, t.result === "miss" ? "**miss**" : t.result])));
  out.push("");

  out.push("## (a) Local proxy vs the upstream directly vs nginx");
  out.push("");
  if (r.proxy?.figures) {
    const p = r.proxy.figures;
    const rows = ["direct", "linkup", "linkup_nolog", "node", "nginx"]
      .filter((id) => p[id])
      .map((id) => [
        p[id].label,
        fmtSpread(p[id].rps),
        fmtSpread(p[id].cpu_us_per_request, 1),
        fmtSpread(p[id].p50_ms, 2),
        fmtSpread(p[id].p99_ms, 2),
        fmtSpread(p[id].cpu_us_per_request_1k),
        fmtSpread(p[id].mb_per_s),
        fmtSpread(p[id].stream_cpu_ms, 1),
      ]);
    out.push(table(["1 KiB responses", "req/s (32 conn.)", "CPU µs / req.", "p50 ms @ 1k req/s", "p99 ms @ 1k req/s", "CPU µs / req. @ 1k req/s", "10 MiB stream MB/s", "CPU ms / 10 MiB"], rows));
    const pp = r.proxy.paired ?? {};
    out.push("");
    out.push("Round by round (each round's figures were measured back to back):");
    out.push("");
    const pair = [
      ["Linkup req/s ÷ nginx req/s", fmtSpread(pp.rps_vs_nginx, 2, "×")],
      ["Linkup CPU per request ÷ nginx's, at saturation / at 1,000 req/s", `${fmtSpread(pp.cpu_vs_nginx, 2, "×")} / ${fmtSpread(pp.cpu_1k_vs_nginx, 2, "×")}`],
      ["Linkup MB/s ÷ nginx MB/s (10 MiB)", fmtSpread(pp.mb_vs_nginx, 2, "×")],
      ["Linkup CPU per 10 MiB ÷ plain Node proxy's", fmtSpread(pp.stream_cpu_vs_node, 2, "×")],
      ["p50 above direct at 1,000 req/s: Linkup / plain Node proxy / nginx", [pp.p50_over_direct_ms, pp.node_p50_over_direct_ms, pp.nginx_p50_over_direct_ms].map((x) => fmtSpread(x, 2, " ms")).join(" / ")],
      ["p99 above direct at 1,000 req/s: Linkup / plain Node proxy / nginx", [pp.p99_over_direct_ms, pp.node_p99_over_direct_ms, pp.nginx_p99_over_direct_ms].map((x) => fmtSpread(x, 2, " ms")).join(" / ")],
      ["the load generator's own lateness at 1,000 req/s (p99 of how late it sent, every round)", fmtSpread(pp.generator_late_p99_ms, 2, " ms")],
    ];
    out.push(table(["comparison", "median (spread)"], pair));
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
          ["session cache warm (one session)", fmtSpread(w.warm.rps), fmtSpread(w.warm.cpu_ms_per_request, 3)],
          ...(w.warm_log ? [["request log twins: one session only, request log on", fmtSpread(w.warm_log.rps), fmtSpread(w.warm_log.cpu_ms_per_request, 3)]] : []),
          ...(w.warm_nolog ? [[`${w.warm_log ? "request log twins: one session only" : "session cache warm"}, request log off (REQUEST_LOG=off)`, fmtSpread(w.warm_nolog.rps), fmtSpread(w.warm_nolog.cpu_ms_per_request, 3)]] : []),
          [`session cache cold (${w.cold_sessions} sessions round-robin)`, fmtSpread(w.cold.rps), fmtSpread(w.cold.cpu_ms_per_request, 3)],
          ...(w.bomb ? [["cache warm, path a regex bomb for the route `^/r/(a+)+$` (60 × a + !)", fmtSpread(w.bomb.rps), fmtSpread(w.bomb.cpu_ms_per_request, 3)]] : []),
        ],
      ),
    );
    if (w.tunnel) {
      const t = w.tunnel;
      out.push("");
      out.push(
        table(
          [`path, ${fmt(t.rate)} req/s`, "p50 ms", "p99 ms"],
          [
            ["preview: worker → upstream", fmtSpread(t.preview.p50_ms, 2), fmtSpread(t.preview.p99_ms, 2)],
            ["tunneled: worker → tunnel → local server → upstream", fmtSpread(t.tunneled.p50_ms, 2), fmtSpread(t.tunneled.p99_ms, 2)],
            ["the tunnel hop (tunneled − preview, per round)", fmtSpread(t.hop_p50_ms, 2), "–"],
          ],
        ),
      );
    }
  } else out.push(notMeasured(r, "worker"));
  out.push("");

  out.push("## (c) Reconcile at scale (200 services × 100 sessions)");
  out.push("");
  if (r.reconcile) {
    const c = r.reconcile;
    out.push(
      table(
        ["command", "wall ms", "runs ms", "writes"],
        [
          ["first `linkup apply` (creates everything, starts the runtime)", fmt(c.first_apply_ms), "1 run", `${c.records.worker} worker + ${c.records.local} local records`],
          ["`linkup diff` (no changes, exit 0)", fmtSpread(c.diff ?? c.diff_ms), c.diff_runs_ms.join(", "), "0"],
          ["no-op `linkup apply`", fmtSpread(c.noop_apply ?? c.noop_apply_ms), c.noop_apply_runs_ms.join(", "), fmt(c.noop_apply_writes)],
        ],
      ),
    );
  } else out.push(notMeasured(r, "reconcile"));
  out.push("");

  out.push("## (d) Watch: save to served");
  out.push("");
  if (r.watch) {
    const d = r.watch;
    out.push(table(["edits per round", "p50 ms", "p95 ms", "max ms", "not served within 5 s"], [[fmt(d.edits), fmtSpread(d.p50 ?? d.p50_ms), fmtSpread(d.p95 ?? d.p95_ms), fmtSpread(d.max ?? d.max_ms), fmt(d.missed)]]));
    if (d.drift_p95_ms !== undefined) {
      out.push("");
      out.push("Drift healed (the session flipped through the admin API while the watch runs; until the proxy serves the config's route again; one round):");
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
        ["command", "median ms (fastest–slowest)", "above `node -e 0`", "runs"],
        [
          ["`node -e 0` (floor for any Node CLI)", fmtSpread(e.node.summary ?? e.node.median_ms), "–", String(e.node.runs_ms.length)],
          ["`linkup --help`", fmtSpread(e.help.summary ?? e.help.median_ms), fmt(e.help.median_ms - e.node.median_ms), String(e.help.runs_ms.length)],
          ["`linkup diff` (1 session, runtime up)", fmtSpread(e.diff.summary ?? e.diff.median_ms), fmt(e.diff.median_ms - e.node.median_ms), String(e.diff.runs_ms.length)],
        ],
      ),
    );
  } else out.push(notMeasured(r, "startup"));
  out.push("");
  if (r.comparison) out.push(r.comparison, "");
  return out.join("\n");
}

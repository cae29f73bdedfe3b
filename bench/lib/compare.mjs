// `npm run bench -- --compare FILE`: the change of every figure against an earlier latest.json,
// so a regression shows in review. Pure: two result objects in, rows and markdown out.
//
// Figures are read by path, and a figure may be a plain number (reports written before each
// figure became the median of several rounds) or a summary { median, min, max, runs }, so a
// report of either kind compares with one of the other. A change counts as better or worse
// only when the two runs' spreads (min..max of their rounds) do not overlap; otherwise it is
// "within spread": the rounds of one run already differed by that much.
import { rangeOf, round, valueOf } from "./stats.mjs";

/** A figure: where it is in the results, its unit, which direction is better, and (optionally) the method that measured it. */
const figure = (label, unit, better, get, method) => ({ label, unit, better, get, method });

/**
 * How latency at 1,000 req/s was measured. Reports without `meta.methods` used autocannon's
 * overallRate, which measures bursts at saturation (see paced-load.mjs): not comparable.
 */
export const LATENCY_METHOD = "paced";
const latencyMethod = (r) => r.meta?.methods?.latency ?? "autocannon-overall-rate";

const proxy = (id, key) => (r) => r.proxy?.figures?.[id]?.[key] ?? r.proxy?.best?.[id]?.[key];
const PROXIES = [
  ["direct", "upstream directly"],
  ["linkup", "Linkup local proxy"],
  ["node", "plain Node proxy"],
  ["nginx", "nginx"],
];

// Reports from before the round-by-round comparisons only have each target's own figure.
const difference = (a, b) => (valueOf(a) !== null && valueOf(b) !== null ? valueOf(a) - valueOf(b) : undefined);
const quotient = (a, b) => (valueOf(a) !== null && valueOf(b) ? valueOf(a) / valueOf(b) : undefined);

/** Every figure the comparison knows, in report order. */
export const FIGURES = [
  ...PROXIES.flatMap(([id, name]) => [
    figure(`(a) ${name}: req/s, 32 connections`, "req/s", "higher", proxy(id, "rps")),
    figure(`(a) ${name}: CPU per request`, "µs", "lower", proxy(id, "cpu_us_per_request")),
    figure(`(a) ${name}: p50 at 1,000 req/s`, "ms", "lower", proxy(id, "p50_ms"), latencyMethod),
    figure(`(a) ${name}: p99 at 1,000 req/s`, "ms", "lower", proxy(id, "p99_ms"), latencyMethod),
    figure(`(a) ${name}: CPU per request at 1,000 req/s`, "µs", "lower", proxy(id, "cpu_us_per_request_1k")),
    figure(`(a) ${name}: 10 MiB stream`, "MB/s", "higher", proxy(id, "mb_per_s")),
    figure(`(a) ${name}: CPU per 10 MiB`, "ms", "lower", proxy(id, "stream_cpu_ms")),
  ]),
  figure("(a) Linkup req/s ÷ nginx req/s", "×", "higher", (r) => r.proxy?.paired?.rps_vs_nginx ?? quotient(proxy("linkup", "rps")(r), proxy("nginx", "rps")(r))),
  figure("(a) Linkup p50 − direct p50 at 1,000 req/s", "ms", "lower", (r) => r.proxy?.paired?.p50_over_direct_ms ?? difference(proxy("linkup", "p50_ms")(r), proxy("direct", "p50_ms")(r)), latencyMethod),
  figure("(a) Linkup p99 − direct p99 at 1,000 req/s", "ms", "lower", (r) => r.proxy?.paired?.p99_over_direct_ms ?? difference(proxy("linkup", "p99_ms")(r), proxy("direct", "p99_ms")(r)), latencyMethod),
  figure("(a) Linkup MB/s ÷ nginx MB/s", "×", "higher", (r) => r.proxy?.paired?.mb_vs_nginx ?? quotient(proxy("linkup", "mb_per_s")(r), proxy("nginx", "mb_per_s")(r))),
  figure("(a) request log: local server CPU on vs off", "%", "lower", (r) => r.proxy?.request_log?.overhead_pct),
  figure("(b) worker CPU per request, warm", "ms", "lower", (r) => r.worker?.warm?.cpu_ms_per_request),
  figure("(b) worker CPU per request, cold", "ms", "lower", (r) => r.worker?.cold?.cpu_ms_per_request),
  figure("(b) worker CPU per request, regex-bomb path", "ms", "lower", (r) => r.worker?.bomb?.cpu_ms_per_request),
  figure("(b) request log: worker CPU on vs off (warm)", "%", "lower", (r) => r.worker?.request_log?.overhead_pct),
  figure("(b) worker req/s, warm", "req/s", "higher", (r) => r.worker?.warm?.rps),
  figure("(b) worker req/s, cold", "req/s", "higher", (r) => r.worker?.cold?.rps),
  figure("(b) preview through the worker: p50", "ms", "lower", (r) => r.worker?.tunnel?.preview?.p50_ms),
  figure("(b) tunneled, worker → local server: p50", "ms", "lower", (r) => r.worker?.tunnel?.tunneled?.p50_ms),
  figure("(b) tunnel hop: tunneled p50 − preview p50", "ms", "lower", (r) => r.worker?.tunnel?.hop_p50_ms),
  figure("(c) `linkup diff` at 200 × 100", "ms", "lower", (r) => r.reconcile?.diff ?? r.reconcile?.diff_ms),
  figure("(c) no-op `linkup apply` at 200 × 100", "ms", "lower", (r) => r.reconcile?.noop_apply ?? r.reconcile?.noop_apply_ms),
  figure("(d) watch: save → served, p95", "ms", "lower", (r) => r.watch?.p95 ?? r.watch?.p95_ms),
  figure("(d) watch: drift healed, p95", "ms", "lower", (r) => r.watch?.drift_p95_ms),
  figure("(e) `linkup --help`", "ms", "lower", (r) => r.startup?.help?.summary ?? r.startup?.help?.median_ms),
  figure("(e) `linkup diff`, small config", "ms", "lower", (r) => r.startup?.diff?.summary ?? r.startup?.diff?.median_ms),
];

/** Whether a change from `before` to `after` is better, worse or within the runs' spread. */
export function verdict(before, after, better) {
  const a = valueOf(before);
  const b = valueOf(after);
  if (a === null || b === null) return "–";
  if (a === b) return "same";
  const ra = rangeOf(before);
  const rb = rangeOf(after);
  // Two single numbers have no spread to judge by: report the direction only.
  const overlap = ra && rb && !(ra[0] === ra[1] && rb[0] === rb[1]) && ra[0] <= rb[1] && rb[0] <= ra[1];
  if (overlap) return "within spread";
  return (b > a) === (better === "higher") ? "better" : "worse";
}

/** One row per figure present in either report: before, after, change and verdict. */
export function compareResults(before, after) {
  const rows = [];
  for (const f of FIGURES) {
    const bf = f.get(before);
    const af = f.get(after);
    const b = valueOf(bf);
    const a = valueOf(af);
    if (b === null && a === null) continue;
    const change = b !== null && a !== null ? a - b : null;
    const percent = change !== null && b !== 0 ? (change / Math.abs(b)) * 100 : null;
    const sameMethod = !f.method || f.method(before) === f.method(after);
    rows.push({
      figure: f.label,
      unit: f.unit,
      before: b === null ? null : round(b, 3),
      after: a === null ? null : round(a, 3),
      change: change === null ? null : round(change, 3),
      percent: percent === null ? null : round(percent, 1),
      verdict: sameMethod ? verdict(bf, af, f.better) : "measured differently",
    });
  }
  return rows;
}

const num = (x) => (x === null ? "–" : Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : String(round(x, 3)));
const withUnit = (x, unit) => (x === null ? "–" : `${num(x)} ${unit}`);

/** The comparison as a markdown section (heading included). */
export function renderComparison(rows, { beforeLabel, afterLabel }) {
  const out = [
    `## Change against ${beforeLabel}`,
    "",
    `Before: ${beforeLabel}. After: ${afterLabel}. "within spread": the two runs' ranges of rounds overlap. "measured differently": the method changed between the runs (latency at 1,000 req/s is paced since issue 19), so the numbers do not compare.`,
    "",
  ];
  out.push("| figure | before | after | change | verdict |", "|---|---:|---:|---:|---|");
  for (const r of rows) {
    const change = r.change === null ? "–" : `${r.change > 0 ? "+" : ""}${num(r.change)} ${r.unit}${r.percent === null ? "" : ` (${r.percent > 0 ? "+" : ""}${r.percent} %)`}`;
    const mark = r.verdict === "worse" ? "**worse**" : r.verdict;
    out.push(`| ${r.figure} | ${withUnit(r.before, r.unit)} | ${withUnit(r.after, r.unit)} | ${change} | ${mark} |`);
  }
  return out.join("\n");
}

/** A short label for a results file: its date, Node version and load average. */
export function describeRun(results, file) {
  const m = results.meta ?? {};
  return `${file} (${m.date ?? "undated"}, Node ${m.node ?? "?"}, load ${(m.load_before ?? []).join(" / ") || "?"})`;
}

// Order statistics for the figures in the report, and the summary every figure is reported as:
// the median of its rounds with their spread (lowest and highest), so a reader sees how much a
// figure moved within one run before reading anything into a change between runs.

/** The q-quantile (0..1) of a list of numbers, by the nearest-rank method. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * The middle value; for an even count the mean of the two middle ones (so the median of two
 * rounds is not simply the lower one).
 */
export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = Float64Array.from(finite).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/**
 * One figure measured in several rounds: { median, min, max, runs }. Rounds that produced no
 * number (NaN, undefined) are left out; with none left every field but `runs` is null.
 */
export function summarize(values, digits = 3) {
  const runs = values.filter((v) => Number.isFinite(v)).map((v) => round(v, digits));
  if (runs.length === 0) return { median: null, min: null, max: null, runs: [] };
  return { median: round(median(runs), digits), min: Math.min(...runs), max: Math.max(...runs), runs };
}

/** Round-by-round combination of two equally long series (a ratio or a difference per round), summarised. */
export function pairwise(a, b, combine, digits = 3) {
  const n = Math.min(a.length, b.length);
  const out = [];
  for (let i = 0; i < n; i++) out.push(combine(a[i], b[i]));
  return summarize(out, digits);
}

/** The number a figure stands for: a plain number (reports written before summaries) or a summary's median. */
export function valueOf(figure) {
  if (typeof figure === "number") return Number.isFinite(figure) ? figure : null;
  if (figure && typeof figure === "object" && typeof figure.median === "number") return figure.median;
  return null;
}

/** The [min, max] range of a summary; a plain number is its own range; null when unknown. */
export function rangeOf(figure) {
  if (typeof figure === "number") return Number.isFinite(figure) ? [figure, figure] : null;
  if (figure && typeof figure === "object" && typeof figure.min === "number" && typeof figure.max === "number") return [figure.min, figure.max];
  return null;
}

/**
 * The things compared, in the order round `round` (1-based) measures them: as given in odd rounds,
 * reversed in even ones, so no target always runs first or last in a round (a machine that speeds
 * up or slows down within a round would otherwise favour one side of every comparison).
 */
export function inRoundOrder(list, round) {
  return round % 2 === 1 ? list : [...list].reverse();
}

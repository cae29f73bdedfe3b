// The bench's own logic (figures as medians of rounds with their spread, the round-by-round
// comparisons, `--compare`, the paced load generator's response reader, `--node`). Speed itself is
// never asserted: these check how figures are computed, not what they are.
import { describe, expect, it } from "vitest";
import { compareResults, renderComparison, verdict } from "../../bench/lib/compare.mjs";
import { resolveNode } from "../../bench/lib/node-runtime.mjs";
import { responseReader } from "../../bench/lib/paced-load.mjs";
import { evaluateTargets, fmtSpread } from "../../bench/lib/report.mjs";
import { inRoundOrder, median, pairwise, summarize, valueOf } from "../../bench/lib/stats.mjs";
import { proxyFigures } from "../../bench/suites/proxy-compare.mjs";
import { workerFigures } from "../../bench/suites/worker-routing.mjs";

describe("summaries", () => {
  it("median of an odd count is the middle value, of an even count the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it("summarize gives median, lowest and highest round, and leaves out rounds without a number", () => {
    expect(summarize([0.31, 0.12, 0.2])).toEqual({ median: 0.2, min: 0.12, max: 0.31, runs: [0.31, 0.12, 0.2] });
    expect(summarize([10, NaN, 30, undefined as unknown as number], 0)).toEqual({ median: 20, min: 10, max: 30, runs: [10, 30] });
    expect(summarize([NaN])).toEqual({ median: null, min: null, max: null, runs: [] });
  });

  it("pairwise combines round i with round i, not medians with medians", () => {
    // Linkup's worst round came with direct's worst round: the per-round differences are small.
    const linkup = [0.3, 5.3, 0.35];
    const direct = [0.1, 5.0, 0.1];
    expect(pairwise(linkup, direct, (a: number, b: number) => a - b)).toEqual({ median: 0.25, min: 0.2, max: 0.3, runs: [0.2, 0.3, 0.25] });
    expect(pairwise([1, 2, 3], [1, 1], (a: number, b: number) => a + b).runs).toEqual([2, 3]);
  });

  it("valueOf reads a summary's median and a plain number alike", () => {
    expect(valueOf({ median: 4, min: 3, max: 5, runs: [3, 4, 5] })).toBe(4);
    expect(valueOf(7)).toBe(7);
    expect(valueOf(undefined)).toBeNull();
    expect(valueOf({ median: null })).toBeNull();
  });

  it("fmtSpread writes median (lowest–highest), and a single round plainly", () => {
    expect(fmtSpread({ median: 0.2, min: 0.12, max: 0.31, runs: [0.31, 0.12, 0.2] }, 2, " ms")).toBe("0.20 ms (0.12–0.31)");
    expect(fmtSpread({ median: 1200, min: 1200, max: 1200, runs: [1200] })).toBe("1,200");
    expect(fmtSpread(3.14159, 2)).toBe("3.14");
    expect(fmtSpread(undefined)).toBe("–");
  });
});

const round = (over: Record<string, number>) => ({ rps: 1000, errors: 0, cpu_us_per_request: 30, p50_ms: 0.2, p99_ms: 1, mb_per_s: 200, cpu_ms_per_body: 10, ...over });
const target = (label: string, rounds: Record<string, number>[]) => ({
  label,
  saturation: rounds.map(round),
  latency: rounds.map(round),
  stream: rounds.map(round),
});

describe("proxy figures", () => {
  const rounds = {
    direct: target("direct", [{ p50_ms: 0.1, p99_ms: 1 }, { p50_ms: 0.5, p99_ms: 9 }, { p50_ms: 0.1, p99_ms: 1.2 }]),
    linkup: target("linkup", [
      { rps: 700, p50_ms: 0.3, p99_ms: 1.5, mb_per_s: 160, cpu_ms_per_body: 12, cpu_us_per_request: 50 },
      { rps: 600, p50_ms: 0.9, p99_ms: 12, mb_per_s: 150, cpu_ms_per_body: 14, cpu_us_per_request: 60 },
      { rps: 900, p50_ms: 0.25, p99_ms: 1.6, mb_per_s: 170, cpu_ms_per_body: 11, cpu_us_per_request: 40 },
    ]),
    node: target("node", [{ cpu_ms_per_body: 12 }, { cpu_ms_per_body: 13 }, { cpu_ms_per_body: 12 }]),
    nginx: target("nginx", [
      { rps: 1000, mb_per_s: 200, cpu_us_per_request: 20 },
      { rps: 1000, mb_per_s: 200, cpu_us_per_request: 20 },
      { rps: 1000, mb_per_s: 200, cpu_us_per_request: 20 },
    ]),
  };
  const { figures, paired } = proxyFigures(rounds) as { figures: Record<string, any>; paired: Record<string, any> };

  it("reports each target's figures as medians with their spread", () => {
    expect(figures.linkup!.rps).toEqual({ median: 700, min: 600, max: 900, runs: [700, 600, 900] });
    expect(figures.linkup!.stream_cpu_ms.median).toBe(12);
  });

  it("compares Linkup with direct and nginx round by round", () => {
    expect(paired.p50_over_direct_ms!.runs).toEqual([0.2, 0.4, 0.15]);
    expect(paired.p50_over_direct_ms!.median).toBe(0.2);
    expect(paired.rps_vs_nginx).toEqual({ median: 0.7, min: 0.6, max: 0.9, runs: [0.7, 0.6, 0.9] });
    expect(paired.cpu_vs_nginx!.median).toBe(2.5);
  });

  it("takes the request log's cost as on vs off per round, from the saturation rounds of a server with the log off", () => {
    const withQuiet = {
      ...rounds,
      linkup_nolog: { label: "linkup, log off", saturation: [round({ cpu_us_per_request: 48 }), round({ cpu_us_per_request: 50 }), round({ cpu_us_per_request: 40 })], latency: [], stream: [] },
    };
    const out = proxyFigures(withQuiet);
    // Linkup's rounds: 50, 60, 40 µs.
    expect(out.request_log!.overhead_pct).toMatchObject({ median: 4.2, min: 0, max: 20 });
    expect(out.figures.linkup_nolog).toMatchObject({ rps: { median: 1000 }, cpu_us_per_request: { median: 48 } });
    expect(out.figures.linkup_nolog!.p50_ms).toBeUndefined();
    const targets = evaluateTargets({ proxy: out, errors: {} });
    expect(targets.find((t: { figure: string }) => t.figure.startsWith("(a) request log"))).toMatchObject({ result: "pass", measured: "+4.2 % (+0.0–+20.0) (50.0 µs (40.0–60.0) vs 48.0 µs (40.0–50.0))" });
  });

  it("judges 'in every round' by the lowest round and the others by the median", () => {
    const targets = evaluateTargets({ proxy: { figures, paired }, errors: {} });
    const byFigure = (start: string) => targets.find((t: { figure: string }) => t.figure.startsWith(start));
    expect(byFigure("(a) Linkup req/s ÷ nginx")).toMatchObject({ result: "miss" }); // 0.6 in round 2
    expect(byFigure("(a) Linkup p50 − direct")).toMatchObject({ result: "pass", measured: "0.20 ms (0.15–0.40)" });
    expect(byFigure("(a) Linkup p99 − direct")).toMatchObject({ result: "pass" }); // rounds 0.5, 3, 0.4: median 0.5
    expect(byFigure("(a) CPU per 10 MiB")).toMatchObject({ result: "pass" }); // 12 vs 12
    expect(byFigure("(a) Linkup CPU per request")).toMatchObject({ result: "pass" }); // 2.5×
    expect(byFigure("(b) worker CPU per routed request, cache warm")).toMatchObject({ result: "n/a" });
  });
});

describe("worker figures", () => {
  it("summarises warm and cold, and the tunnel hop as tunneled − preview per round", () => {
    const w = { rps: 2000, cpu_ms_per_request: 0.4, requests: 8000, errors: 0 };
    const out = workerFigures({
      warm: [w, { ...w, cpu_ms_per_request: 0.6 }, { ...w, cpu_ms_per_request: 0.45 }],
      cold: [w, w, w],
      preview: [{ p50_ms: 1, p99_ms: 3, errors: 0 }, { p50_ms: 2, p99_ms: 9, errors: 0 }, { p50_ms: 1.2, p99_ms: 3, errors: 0 }],
      tunneled: [{ p50_ms: 1.5, p99_ms: 4, errors: 0 }, { p50_ms: 2.9, p99_ms: 12, errors: 0 }, { p50_ms: 1.8, p99_ms: 5, errors: 0 }],
    });
    expect(out.warm.cpu_ms_per_request).toMatchObject({ median: 0.45, min: 0.4, max: 0.6 });
    expect(out.warm.requests).toBe(24000);
    expect(out.tunnel!.hop_p50_ms.runs).toEqual([0.5, 0.9, 0.6]);
    expect(out.tunnel!.hop_p50_ms.median).toBe(0.6);
  });
});

describe("--compare", () => {
  it("calls a change better or worse only when the runs' spreads do not overlap", () => {
    expect(verdict({ median: 10, min: 9, max: 11 }, { median: 12, min: 11.5, max: 13 }, "higher")).toBe("better");
    expect(verdict({ median: 10, min: 9, max: 11 }, { median: 12, min: 11.5, max: 13 }, "lower")).toBe("worse");
    expect(verdict({ median: 10, min: 9, max: 12 }, { median: 11, min: 10, max: 13 }, "higher")).toBe("within spread");
    // Plain numbers (reports from before summaries) have no spread: direction only.
    expect(verdict(10, 12, "higher")).toBe("better");
    expect(verdict(10, 10, "higher")).toBe("same");
    expect(verdict(undefined, 12, "higher")).toBe("–");
  });

  const oldReport = {
    meta: { date: "2026-11-25T13:58:56Z", node: "v20.20.2" },
    proxy: { best: { linkup: { rps: 14000, p50_ms: 2.6 }, nginx: { rps: 20000 }, direct: { rps: 40000, p50_ms: 1.8 } } },
    worker: { warm: { cpu_ms_per_request: 0.5 }, cold: { cpu_ms_per_request: 0.95 } },
    reconcile: { diff_ms: 910 },
  };
  const s = (median: number, min = median, max = median) => ({ median, min, max, runs: [min, median, max] });
  const newReport = {
    meta: { date: "2026-12-01T00:00:00Z", node: "v22.23.3", methods: { latency: "paced" } },
    proxy: {
      figures: { linkup: { rps: s(20000, 19000, 21000), p50_ms: s(0.3) }, nginx: { rps: s(25000) }, direct: { rps: s(60000), p50_ms: s(0.1) } },
      paired: { rps_vs_nginx: s(0.8, 0.75, 0.85) },
    },
    worker: { warm: { cpu_ms_per_request: s(0.55, 0.52, 0.6) }, cold: { cpu_ms_per_request: s(0.7) } },
    reconcile: { diff: s(950, 900, 1000), diff_ms: 950 },
  };

  it("reads an old report (single numbers under proxy.best) against a new one (summaries)", () => {
    const rows = compareResults(oldReport, newReport);
    const row = (label: string) => rows.find((r: { figure: string }) => r.figure === label);
    expect(row("(a) Linkup local proxy: req/s, 32 connections")).toMatchObject({ before: 14000, after: 20000, change: 6000, percent: 42.9, verdict: "better" });
    expect(row("(a) Linkup req/s ÷ nginx req/s")).toMatchObject({ before: 0.7, after: 0.8 });
    expect(row("(b) worker CPU per request, warm")).toMatchObject({ before: 0.5, after: 0.55, verdict: "worse" });
    expect(row("(c) `linkup diff` at 200 × 100")).toMatchObject({ before: 910, after: 950, verdict: "within spread" });
    // Figures neither report has are left out.
    expect(row("(e) `linkup --help`")).toBeUndefined();
  });

  it("does not compare latency measured by different methods", () => {
    const rows = compareResults(oldReport, newReport);
    expect(rows.find((r: { figure: string }) => r.figure === "(a) Linkup local proxy: p50 at 1,000 req/s")).toMatchObject({ before: 2.6, after: 0.3, verdict: "measured differently" });
    expect(rows.find((r: { figure: string }) => r.figure === "(a) Linkup p50 − direct p50 at 1,000 req/s")).toMatchObject({ before: 0.8, verdict: "measured differently" });
    const same = compareResults(newReport, newReport);
    expect(same.find((r: { figure: string }) => r.figure === "(a) Linkup local proxy: p50 at 1,000 req/s")).toMatchObject({ verdict: "same" });
  });

  it("renders a markdown table with signed changes and worse ones in bold", () => {
    const md = renderComparison(compareResults(oldReport, newReport), { beforeLabel: "old.json", afterLabel: "this run" });
    expect(md).toContain("## Change against old.json");
    expect(md).toContain("| (a) Linkup local proxy: req/s, 32 connections | 14,000 req/s | 20,000 req/s | +6,000 req/s (+42.9 %) | better |");
    expect(md).toContain("| (b) worker CPU per request, warm | 0.5 ms | 0.55 ms | +0.05 ms (+10 %) | **worse** |");
  });
});

describe("the paced generator's response reader", () => {
  const head = (extra: string) => Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n${extra}\r\n`, "latin1");

  it("completes a Content-Length response only once its whole body arrived, across chunks", () => {
    const reader = responseReader();
    expect(reader.feed(Buffer.concat([head("Content-Length: 10\r\n"), Buffer.from("hello")]))).toEqual([]);
    expect(reader.feed(Buffer.from("world"))).toEqual([200]);
  });

  it("reads a head split in the middle and two responses in one chunk", () => {
    const reader = responseReader();
    const one = Buffer.concat([head("content-length: 2\r\n"), Buffer.from("ok")]);
    const notFound = Buffer.from("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n", "latin1");
    expect(reader.feed(one.subarray(0, 7))).toEqual([]);
    expect([...reader.feed(Buffer.concat([one.subarray(7), notFound]))]).toEqual([200, 404]);
  });

  it("reads chunked bodies up to the last chunk", () => {
    const reader = responseReader();
    expect(reader.feed(Buffer.concat([head("transfer-encoding: chunked\r\n"), Buffer.from("5\r\nhello\r\n")]))).toEqual([]);
    expect(reader.feed(Buffer.from("6\r\n world\r\n0\r\n"))).toEqual([]);
    expect(reader.feed(Buffer.from("\r\n"))).toEqual([200]);
  });
});

describe("--node", () => {
  const env = { LINKUP_BENCH_NODE_DIR: "/cache" };
  it("finds an installed major in the cache directory, and says how to install a missing one", () => {
    expect(resolveNode("22", env, (p: unknown) => p === "/cache/node22/node_modules/node/bin/node")).toEqual({ path: "/cache/node22/node_modules/node/bin/node" });
    expect(resolveNode("24", env, () => false).error).toContain("node bench/install-node.mjs 24");
  });
  it("takes a path to a binary as it is", () => {
    expect(resolveNode("/usr/bin/node", env, (p: unknown) => p === "/usr/bin/node")).toEqual({ path: "/usr/bin/node" });
    expect(resolveNode("/nope/node", env, () => false).error).toContain("no such file");
  });
});

describe("round order", () => {
  it("measures the targets in the given order in odd rounds and reversed in even ones, without touching the list", () => {
    const targets = ["direct", "linkup", "nginx"];
    expect(inRoundOrder(targets, 1)).toEqual(["direct", "linkup", "nginx"]);
    expect(inRoundOrder(targets, 2)).toEqual(["nginx", "linkup", "direct"]);
    expect(inRoundOrder(targets, 3)).toEqual(["direct", "linkup", "nginx"]);
    expect(targets).toEqual(["direct", "linkup", "nginx"]);
  });
});

// (e) Process start: `linkup --help` (no config, nothing imported beyond commander and the
// command list) and `linkup diff` on a small config against a running runtime (load, validate,
// two API reads, print), each the median of N whole `node bin/linkup.js` processes. `node -e 0`
// is measured the same way as the floor any Node CLI pays.
import { join } from "node:path";
import { execa } from "execa";
import { LINKUP_BIN } from "../lib/linkup-cli.mjs";
import { median, round, summarize } from "../lib/stats.mjs";

async function timed(args, env) {
  const start = process.hrtime.bigint();
  const r = await execa(process.execPath, args, { env, reject: false, stdin: "ignore", timeout: 30_000 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, code: r.exitCode, out: r.stdout + r.stderr };
}

async function medianOf(n, args, env, okCodes) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = await timed(args, env);
    if (!okCodes.includes(r.code)) throw new Error(`${args.slice(1).join(" ")} exited ${r.code}: ${r.out.slice(-500)}`);
    runs.push(r.ms);
  }
  return { median_ms: round(median(runs), 0), runs_ms: runs.map((m) => round(m, 0)), summary: summarize(runs, 0) };
}

/** `configFile` must already be applied on `linkup` (diff exits 0). */
export async function cliStartup({ log, linkup, configFile, runs = 10 }) {
  log("  node -e 0");
  const node = await medianOf(runs, ["-e", "0"], linkup.env, [0]);
  log("  linkup --help");
  const help = await medianOf(runs, [LINKUP_BIN, "--help"], linkup.env, [0]);
  log("  linkup diff");
  const diff = await medianOf(Math.ceil(runs / 2), [LINKUP_BIN, "diff", "-f", configFile], linkup.env, [0, 1]);
  return { runs, node, help, diff, diff_config: join("(temp)", "watch.yaml") };
}

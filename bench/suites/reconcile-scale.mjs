// (c) Reconcile at scale: a generated config with 200 services and 100 sessions (a third each
// tunneled, isolated and preview, so both the worker and the local server hold many), applied
// once, then timed: `linkup diff` and a no-op `linkup apply`, each a whole CLI process as a user
// runs it. Writes are counted at the APIs: the sum of every session's version must not move.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { createLinkupInstance } from "../lib/linkup-instance.mjs";
import { median, round, summarize } from "../lib/stats.mjs";

const SERVICES = 200;
const SESSIONS = 100;
const TYPES = ["tunneled", "isolated", "preview"];

export function scaleConfig() {
  const svc = (i) => `svc-${String(i).padStart(3, "0")}`;
  const services = Array.from({ length: SERVICES }, (_, i) => ({
    name: svc(i),
    local: `http://127.0.0.1:${20000 + i}`,
    remote: `http://127.0.0.1:${30000 + i}/v1`,
    ...(i % 10 === 0 ? { rewrites: [{ source: `^/${svc(i)}/(.*)`, target: "/$1" }] } : {}),
  }));
  const domains = [
    {
      domain: "scale.test",
      default_service: svc(0),
      routes: services.slice(1).map((s) => ({ path: `^/${s.name}(/|$)`, service: s.name })),
    },
  ];
  const sessions = Array.from({ length: SESSIONS }, (_, i) => {
    const type = TYPES[i % TYPES.length];
    const a = svc(i % SERVICES);
    const b = svc((i * 7 + 3) % SERVICES);
    const routes =
      type === "preview" ? { [a]: `http://127.0.0.1:40000/preview-${i}`, [b]: `http://127.0.0.1:40001/preview-${i}` } : { [a]: "local", [b]: "local" };
    return { name: `s-${String(i).padStart(3, "0")}`, type, routes };
  });
  return { linkup: { config_id: "bench-scale" }, services, domains, sessions };
}

const versionSum = (sessions) => sessions.reduce((n, s) => n + s.version, 0);

export async function reconcileScale({ log, runs = 3 }) {
  const linkup = await createLinkupInstance("scale");
  try {
    const file = join(linkup.dir, "linkup.yaml");
    writeFileSync(file, stringify(scaleConfig(), { lineWidth: 0 }));
    log(`  first apply: creating ${SESSIONS} sessions of ${SERVICES} services`);
    const first = await linkup.run(["apply", "-f", file], { timeoutMs: 180_000 });
    if (first.code !== 0) throw new Error(`first apply failed (exit ${first.code}): ${(first.stderr || first.stdout).slice(-800)}`);
    const created = await linkup.sessions();

    const diffs = [];
    for (let i = 0; i < runs; i++) {
      const r = await linkup.run(["diff", "-f", file]);
      if (r.code !== 0) throw new Error(`diff after apply exited ${r.code} (expected 0, no changes): ${(r.stderr || r.stdout).slice(-800)}`);
      diffs.push(r.ms);
    }
    log(`  diff: ${diffs.map((m) => Math.round(m)).join(", ")} ms`);

    const before = await linkup.sessions();
    const applies = [];
    for (let i = 0; i < runs; i++) {
      const r = await linkup.run(["apply", "-f", file]);
      if (r.code !== 0) throw new Error(`no-op apply exited ${r.code}: ${(r.stderr || r.stdout).slice(-800)}`);
      applies.push(r.ms);
    }
    const after = await linkup.sessions();
    log(`  no-op apply: ${applies.map((m) => Math.round(m)).join(", ")} ms`);
    return {
      services: SERVICES,
      sessions: SESSIONS,
      records: { worker: created.filter((s) => s.placement === "worker").length, local: created.filter((s) => s.placement === "local").length },
      first_apply_ms: round(first.ms, 0),
      diff: summarize(diffs, 0),
      diff_ms: round(median(diffs), 0),
      diff_runs_ms: diffs.map((m) => round(m, 0)),
      noop_apply: summarize(applies, 0),
      noop_apply_ms: round(median(applies), 0),
      noop_apply_runs_ms: applies.map((m) => round(m, 0)),
      noop_apply_writes: versionSum(after) - versionSum(before),
    };
  } finally {
    await linkup.stop();
  }
}

// Human output of `linkup explain`: each hop (the worker, then the local server when the worker
// sends the request through the tunnel) step by step, the result, and the hint.
import type { AttributionStep, ExplainHop } from "../../core/explain.js";
import type { ExplainReport } from "../../operations/explain.js";
import type { CliIo } from "../io.js";

type Color = CliIo["color"];

const RESULT_TEXT: Record<AttributionStep["result"], string> = {
  absent: "absent",
  "no-name": "names no session",
  duplicate: "same name as above",
  chosen: "a session here: chosen",
  "not-a-session": "not a session here",
  expired: "a session here, but expired",
  "not-needed": "not needed (already found)",
};

function attributionRows(steps: AttributionStep[], c: Color): string[] {
  const width = Math.max(...steps.map((s) => s.source.length));
  const valueWidth = Math.max(1, ...steps.map((s) => (s.value ?? s.header ?? "-").length));
  return steps.map((s) => {
    const value = (s.value ?? s.header ?? "-").padEnd(valueWidth);
    const name = s.name ? `${s.name}: ` : "";
    const text = `${name}${RESULT_TEXT[s.result]}`;
    return `    ${s.source.padEnd(width)}  ${value}  ${s.result === "chosen" ? c.green(text) : s.result === "absent" ? c.dim(text) : text}`;
  });
}

function hopLines(hop: ExplainHop, report: ExplainReport, c: Color, index: number): string[] {
  const title = hop.at === "worker" ? "at the worker" : index > 0 ? "at the local server (through the tunnel)" : "at the local server";
  const lines = [c.bold(title) + c.dim(` (Host ${hop.host})`), "  attribution (tried in this order)"];
  lines.push(...attributionRows(hop.attribution, c));
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)} ${value}`);
  if (hop.session) row("session", `${hop.session} (${hop.session_type})`);
  if (hop.destination) row("service", `${hop.service}, named by the worker in linkup-destination (no domain or route matching here)`);
  else if (hop.session) {
    row("domain", hop.domain ?? "none");
    if (hop.domain) row("route", hop.route ? `path matches ${hop.route}` : "no route matches: the domain's default service");
    row("rewrite", hop.rewrites.length ? hop.rewrites.map((r) => `${r.source} -> ${r.target} (${r.before} -> ${r.after})`).join("; ") : "none");
  }
  if (hop.service && !hop.destination) row("service", `${hop.service} -> ${hop.location}`);
  if (hop.service && hop.destination) row("goes to", `${hop.location}`);
  if (hop.via_tunnel) row("target", hop.target_url ? `${hop.target_url} (the session's tunnel)` : "the session's tunnel (its URL is known once the session runs)");
  else if (hop.target_url) row("target", `${hop.target_url}${report.query ? " (the query is passed on unchanged)" : ""}`);
  if (hop.request_headers.length)
    row("sends", hop.request_headers.map(([n, v]) => (v === null ? `-${n}` : `${n}: ${v}`)).join("\n            "));
  const route = hop.response_headers.find(([n]) => n === "linkup-route");
  if (route) row("answers", `${route[0]}: ${route[1]}`);
  if (hop.failure) row("fails", `${c.red(String(hop.failure.status))} ${hop.failure.kind}: ${hop.failure.message}`);
  return lines;
}

export function renderExplanation(report: ExplainReport, io: Pick<CliIo, "color">): string {
  const c = io.color;
  const lines: string[] = [];
  lines.push(
    `${report.request.method} ${report.request.host}${report.request.path}` +
      c.dim(`  (sessions: worker ${report.sources.worker}, local server ${report.sources.local})`),
  );
  for (const [n, v] of report.request.headers) lines.push(c.dim(`  ${n}: ${v}`));
  report.hops.forEach((hop, i) => {
    lines.push("");
    lines.push(...hopLines(hop, report, c, i));
  });
  lines.push("");
  const r = report.result;
  if (r.status !== null) lines.push(`${c.bold("result:")} ${c.red(String(r.status))}, not forwarded`);
  else lines.push(`${c.bold("result:")} ${r.session}/${r.service} -> ${r.location} ${r.target_url ?? ""}`.trimEnd());
  if (report.hint) lines.push(`${c.bold("hint:")} ${report.hint}`);
  return lines.join("\n");
}

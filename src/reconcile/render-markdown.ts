// `diff -o markdown`: a report made for a pull-request comment. The summary table comes first
// (what the change does, in words), then each session's YAML diff folded in a <details> block.
// Everything from the config is quoted (code spans, HTML-escaped summaries, a fence longer than
// any backtick run in the patch), so a config cannot inject markup into the comment. The report
// stays under GitHub's comment limit by leaving out the last diffs, and says so.
import { describeItem, overviewSign, type OverviewItem } from "./change-overview.js";
import { summarise, type Action } from "./plan.js";
import { diffEntries, entryHeadline, summaryLine, type DiffLabels } from "./render-diff.js";

/** First line of every report: lets a workflow find and update its own comment. */
export const MARKDOWN_MARKER = "<!-- linkup-diff -->";
/** GitHub refuses comments over 65,536 characters. */
export const DEFAULT_MAX_LENGTH = 60_000;

export interface MarkdownReport {
  /** What is compared, e.g. `origin/main:linkup.yaml` -> `linkup.yaml`. */
  from: string;
  to: string;
  actions: Action[];
  overview: OverviewItem[];
  labels?: DiffLabels;
  maxLength?: number;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** A code span that holds any text literally. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const ticks = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A table cell: a pipe would end the cell, even inside a code span (GFM). */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function renderMarkdown(report: MarkdownReport): string {
  const max = report.maxLength ?? DEFAULT_MAX_LENGTH;
  const counts = summarise(report.actions);
  const entries = diffEntries(report.actions, report.labels);
  const out: string[] = [MARKDOWN_MARKER, `### Linkup sessions: ${codeSpan(report.from)} → ${codeSpan(report.to)}`, ""];
  if (entries.length === 0) {
    out.push(`No change to any Linkup session${counts.unchanged > 0 ? ` (${counts.unchanged} unchanged)` : ""}.`);
    return out.join("\n") + "\n";
  }
  out.push(`**${summaryLine(counts)}**${counts.unchanged > 0 ? ` (${counts.unchanged} unchanged)` : ""}`, "");
  if (report.overview.length > 0) {
    out.push("| | change |", "|:-:|---|");
    for (const item of report.overview) out.push(`| ${overviewSign(item) === "-" ? "−" : overviewSign(item)} | ${cell(describeItem(item, codeSpan))} |`);
    out.push("");
  }
  let length = out.join("\n").length;
  let left = 0;
  for (const e of entries) {
    const patch = e.patch.replace(/\n\\ No newline at end of file/g, "").replace(/\n$/, "");
    const fence = "`".repeat(Math.max(3, longestRun(patch, "`") + 1));
    const rest = entryHeadline(e).slice(`diff session/${e.name}`.length);
    const summary = `<code>session/${escapeHtml(e.name)}</code>${escapeHtml(rest)}`;
    const block = ["<details>", `<summary>${summary}</summary>`, "", `${fence}diff`, patch, fence, "", "</details>", ""];
    const text = block.join("\n");
    if (length + text.length + 200 > max) {
      left++;
      continue;
    }
    out.push(...block);
    length += text.length + 1;
  }
  if (left > 0)
    out.push(`_${left} session diff${left === 1 ? "" : "s"} left out to keep this comment under GitHub's size limit; run \`linkup diff\` locally to see ${left === 1 ? "it" : "them"}._`, "");
  return out.join("\n");
}

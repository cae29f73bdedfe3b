// Renders a plan the way `kubectl diff` does: a unified diff of each changed session's spec as
// YAML (live -> desired), coloured when allowed, then a one-line summary. Managed sessions the
// config no longer declares get one line each ("not declared (delete with --prune)") and a count in
// the summary, so a change that removes a session is visible without --prune. The JSON form
// carries the same information for machines (`diff --output json`, documented in docs/cli.md).
import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import type { SessionSpec } from "../core/session.js";
import type { Placement } from "../clients/session-api.js";
import { summarise, type Action, type FieldChange, type PlanSummary } from "./plan.js";

export interface Colors {
  red(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
}

export const plain: Colors = { red: (s) => s, green: (s) => s, cyan: (s) => s, bold: (s) => s };

/** What the two sides of each patch are called: `live` -> `desired` (diff), `base` -> `head` (offline diff). */
export interface DiffLabels {
  from: string;
  to: string;
}

const LIVE_LABELS: DiffLabels = { from: "live", to: "desired" };

export type DiffKind = "create" | "update" | "delete" | "undeclared";

/** One rendered object: a session, on the placements where its change is the same. */
export interface DiffEntry {
  name: string;
  kind: DiffKind;
  placements: Placement[];
  changes: FieldChange[];
  /** Unified diff, without colour; empty for "undeclared" (nothing will be written). */
  patch: string;
}

export interface DiffJson {
  changed: boolean;
  summary: PlanSummary;
  sessions: DiffEntry[];
  unchanged: string[];
}

export function specYaml(spec: SessionSpec | undefined): string {
  return spec === undefined ? "" : stringify(spec, { sortMapEntries: false, lineWidth: 0 });
}

function patchFor(a: Exclude<Action, { kind: "unchanged" | "undeclared" }>): { from: string; to: string } {
  if (a.kind === "create") return { from: "", to: specYaml(a.spec) };
  if (a.kind === "delete") return { from: specYaml(a.from), to: "" };
  return { from: specYaml(a.from), to: specYaml(a.spec) };
}

/** Changed sessions, one entry per name and distinct change (a tunneled session usually renders once). */
export function diffEntries(actions: Action[], labels: DiffLabels = LIVE_LABELS): DiffEntry[] {
  const entries: DiffEntry[] = [];
  const keys: string[] = [];
  for (const a of actions) {
    if (a.kind === "unchanged") continue;
    if (a.kind === "undeclared") {
      const same = entries.find((e) => e.name === a.name && e.kind === "undeclared");
      if (same) same.placements.push(a.placement);
      else {
        // keys[i] describes entries[i]: keep them in step.
        keys.push(`${a.name}\u0000undeclared`);
        entries.push({ name: a.name, kind: "undeclared", placements: [a.placement], changes: [], patch: "" });
      }
      continue;
    }
    const { from, to } = patchFor(a);
    const kind: DiffKind = a.kind;
    const key = `${a.name}\u0000${kind}\u0000${from}\u0000${to}`;
    const same = keys.indexOf(key);
    if (same !== -1) {
      entries[same]!.placements.push(a.placement);
      continue;
    }
    const label = `session/${a.name}`;
    const patch = createTwoFilesPatch(
      a.kind === "create" ? "/dev/null" : `${labels.from}/${label}`,
      a.kind === "delete" ? "/dev/null" : `${labels.to}/${label}`,
      from,
      to,
      undefined,
      undefined,
      { context: 3 },
    )
      // createTwoFilesPatch starts with an "Index"-less `====` line; kubectl-style output starts at `---`.
      .replace(/^=+\n/, "");
    keys.push(key);
    entries.push({ name: a.name, kind, placements: [a.placement], changes: a.kind === "update" ? a.changes : [], patch });
  }
  return entries;
}

export function summaryLine(s: PlanSummary): string {
  const line = `${s.create} to create, ${s.change} to change, ${s.delete} to delete`;
  return s.undeclared > 0 ? `${line}, ${s.undeclared} not declared (delete with --prune)` : line;
}

/** The headline of one entry: `diff session/a (local, worker): will be changed`. */
export function entryHeadline(e: DiffEntry): string {
  if (e.kind === "undeclared") return `diff session/${e.name} (${e.placements.join(", ")}): not declared (delete with --prune)`;
  const renewal = e.changes.find((c) => c.path === "expires_at");
  const verb =
    e.kind === "create"
      ? "created"
      : e.kind === "delete"
        ? "deleted"
        : renewal && e.changes.length === 1
          ? `renewed (${renewal.from ? `expires ${String(renewal.from)}` : "no expiry recorded yet"})`
          : "changed";
  return `diff session/${e.name} (${e.placements.join(", ")}): will be ${verb}`;
}

/** A unified patch's lines, coloured. */
export function patchLines(patch: string, colors: Colors = plain): string[] {
  const out: string[] = [];
  if (patch === "") return out;
  for (const line of patch.replace(/\n$/, "").split("\n")) {
    if (line.startsWith("+++") || line.startsWith("---")) out.push(colors.bold(line));
    else if (line.startsWith("@@")) out.push(colors.cyan(line));
    else if (line.startsWith("+")) out.push(colors.green(line));
    else if (line.startsWith("-")) out.push(colors.red(line));
    else if (line !== "\\ No newline at end of file") out.push(line);
  }
  return out;
}

/** For a change that leaves the spec as it is (ownership): the fields, since the patch is empty. */
export function fieldLines(e: DiffEntry, colors: Colors = plain): string[] {
  if (e.kind !== "update" || e.patch.includes("\n@@")) return [];
  return e.changes.map((c) => colors.cyan(`~ ${c.path}: ${JSON.stringify(c.from ?? null)} -> ${JSON.stringify(c.to ?? null)}`));
}

export function renderDiff(actions: Action[], colors: Colors = plain, labels: DiffLabels = LIVE_LABELS): string {
  const out: string[] = [];
  for (const e of diffEntries(actions, labels)) {
    out.push(colors.bold(entryHeadline(e)));
    out.push(...fieldLines(e, colors));
    out.push(...patchLines(e.patch, colors));
  }
  out.push(summaryLine(summarise(actions)));
  return out.join("\n");
}

export function diffJson(actions: Action[], labels: DiffLabels = LIVE_LABELS): DiffJson {
  const entries = diffEntries(actions, labels);
  const changedNames = new Set(entries.map((e) => e.name));
  return {
    changed: entries.length > 0,
    summary: summarise(actions),
    sessions: entries,
    unchanged: [...new Set(actions.filter((a) => a.kind === "unchanged" && !changedNames.has(a.name)).map((a) => a.name))],
  };
}

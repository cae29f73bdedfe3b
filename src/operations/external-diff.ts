// LINKUP_EXTERNAL_DIFF, as kubectl's KUBECTL_EXTERNAL_DIFF: the live and desired specs of every
// session the plan changes are written as YAML files into two directories, `live/` and
// `desired/` (`session.<name>.<side>.yaml`; a session to create has no live file, one to delete no
// desired file), and the program runs as `<program> [args...] <live dir> <desired dir>`. The
// variable is split on spaces (`colordiff -N -u`), never handed to a shell.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { LinkupError } from "../core/errors.js";
import type { Action } from "../reconcile/plan.js";
import { specYaml } from "../reconcile/render-diff.js";

export interface ExternalDiffResult {
  /** The program's exit code (diff(1): 0 same, 1 different, 2+ trouble). */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Writes the two trees for the plan's changes; returns their directories and a cleanup. */
export function writeDiffTrees(actions: Action[]): { live: string; desired: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "linkup-diff-"));
  const live = join(root, "live");
  const desired = join(root, "desired");
  mkdirSync(live);
  mkdirSync(desired);
  for (const a of actions) {
    const file = `session.${a.name}.${a.placement}.yaml`;
    if (a.kind === "update" || a.kind === "delete") writeFileSync(join(live, file), specYaml(a.from));
    if (a.kind === "update" || a.kind === "create") writeFileSync(join(desired, file), specYaml(a.spec));
  }
  return { live, desired, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export async function runExternalDiff(command: string, actions: Action[]): Promise<ExternalDiffResult> {
  const [program, ...args] = command.trim().split(/\s+/);
  if (!program) throw new LinkupError("external-diff", "LINKUP_EXTERNAL_DIFF is empty");
  const trees = writeDiffTrees(actions);
  try {
    const r = await execa(program, [...args, trees.live, trees.desired], { reject: false, stdin: "ignore" });
    if (r.failed && r.exitCode === undefined)
      throw new LinkupError("external-diff", `LINKUP_EXTERNAL_DIFF program "${program}" could not run: ${r.shortMessage ?? r.message}`);
    return { exitCode: r.exitCode ?? 2, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
  } finally {
    trees.remove();
  }
}

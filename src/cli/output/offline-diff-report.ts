// The offline forms of `linkup diff`: pick the two versions from the arguments (`--base REF` or
// two files, already checked by the command's validate), compare them (reconcile/offline-diff) and
// print text (also for -o wide), JSON, YAML, names or markdown (output/format.ts for the shared ones).
import { relative } from "node:path";
import { configPath, type ConfigSource } from "../../config/config-file.js";
import { diskVersion, gitVersion, type ConfigVersion } from "../../config/config-versions.js";
import { ConfigError } from "../../core/errors.js";
import { hasChanges } from "../../reconcile/plan.js";
import { OFFLINE_LABELS, offlineDiff, offlineDiffJson, renderOfflineText } from "../../reconcile/offline-diff.js";
import { renderMarkdown } from "../../reconcile/render-markdown.js";
import { EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printResult, sessionRef } from "./format.js";

export interface OfflineDiffArgs {
  /** Empty, or OLD and NEW. */
  files: string[];
  base: string | undefined;
  /** Where the config is (-f, --config, LINKUP_CONFIG) for --base. */
  source: ConfigSource;
  output: "text" | "wide" | "json" | "yaml" | "name" | "markdown";
}

function versions(args: OfflineDiffArgs, io: CliIo): [ConfigVersion, ConfigVersion] {
  const shown = (f: string) => relative(io.cwd, f) || f;
  if (args.files.length === 2) {
    const [a, b] = args.files.map((f) => configPath({ file: f, cwd: io.cwd }));
    if (a === "-" || b === "-") throw new ConfigError("bad-arguments", "diff compares files on disk; stdin (-) is not supported here");
    return [diskVersion(a!, shown(a!)), diskVersion(b!, shown(b!))];
  }
  const file = configPath(args.source);
  if (file === "-") throw new ConfigError("bad-arguments", "--base needs a config file in a git repository, not stdin");
  return [gitVersion(file, args.base!), diskVersion(file, shown(file))];
}

export async function runOfflineDiff(args: OfflineDiffArgs, io: CliIo): Promise<number> {
  const [base, head] = versions(args, io);
  if (head.local && !base.local) io.err(`note: ${relative(io.cwd, head.local.file) || head.local.file} is merged into ${head.label} only (${base.label} has none)`);
  const d = offlineDiff(base, head);
  if (args.output === "markdown")
    io.out(renderMarkdown({ from: d.base.label, to: d.head.label, actions: d.actions, overview: d.overview, labels: OFFLINE_LABELS }));
  else
    await printResult(io, args.output, {
      data: offlineDiffJson(d),
      names: () => [...new Set(d.actions.filter((a) => a.kind !== "unchanged").map((a) => sessionRef(a.name)))],
      text: () => io.out(renderOfflineText(d, io.color)),
    });
  return hasChanges(d.actions) ? EXIT.CHANGES : EXIT.OK;
}

// Prints what `linkup local-dns install|uninstall` did or would do: the step list, warnings, and
// a dry-run reminder; or the same as JSON.
import type { CliIo } from "../io.js";

export interface LocalDnsResult {
  dryRun: boolean;
  description: string;
  warnings: string[];
}

export function printLocalDnsResult(r: LocalDnsResult, json: boolean, io: CliIo): void {
  if (json) {
    io.out(JSON.stringify({ dry_run: r.dryRun, description: r.description, warnings: r.warnings }, null, 2));
    return;
  }
  io.out(r.description);
  for (const w of r.warnings) io.err(io.color.yellow(`warning: ${w}`));
  if (r.dryRun) io.out(io.color.dim("(dry run: nothing was changed)"));
}

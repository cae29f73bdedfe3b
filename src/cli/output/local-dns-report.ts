// Prints what `linkup local-dns install|uninstall` did or would do: the step list, warnings, and
// a dry-run reminder; or the same as JSON.
import type { CliIo } from "../io.js";
import { printResult } from "./format.js";

export interface LocalDnsResult {
  dryRun: boolean;
  description: string;
  warnings: string[];
}

export async function printLocalDnsResult(r: LocalDnsResult, format: string, io: CliIo): Promise<void> {
  await printResult(io, format, {
    data: { dry_run: r.dryRun, description: r.description, warnings: r.warnings },
    text() {
      io.out(r.description);
      for (const w of r.warnings) io.err(io.color.yellow(`warning: ${w}`));
      if (r.dryRun) io.out(io.color.dim("(dry run: nothing was changed)"));
    },
  });
}

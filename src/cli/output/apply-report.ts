// How apply outcomes read: `session/<name> created|configured|unchanged|pruned`, failures by name.
import type { ApplyOutcome } from "../../reconcile/apply.js";
import type { CliIo } from "../io.js";

export function outcomeLine(o: ApplyOutcome, io: CliIo): string {
  const c = io.color;
  const label = `session/${o.name}`;
  switch (o.result) {
    case "created":
      return `${label} ${c.green("created")}`;
    case "configured":
      return `${label} ${c.yellow("configured")}`;
    case "pruned":
      return `${label} ${c.red("pruned")}`;
    case "unchanged":
      return `${label} ${c.dim("unchanged")}`;
    case "failed":
      return `${label} ${c.red("failed")}: ${o.error ?? "unknown error"}`;
  }
}

export function printOutcome(o: ApplyOutcome, io: CliIo): void {
  if (o.result === "failed") io.err(outcomeLine(o, io));
  else io.out(outcomeLine(o, io));
}

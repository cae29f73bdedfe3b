// What `infra deploy|destroy` tells its caller, as values: the plan before anything is written,
// each action once applied, and an outcome. The CLI prints them (src/cli/output/infra-report.ts);
// nothing under src/infra prints.
import type { AccessSetup } from "./access-setup.js";
import type { InfraAction } from "./plan.js";

/** The deployment a plan is for. */
export interface InfraTarget {
  script: string;
  accountId: string;
  /** Zone names; the first is the tunnel zone. */
  zones: string[];
}

export type InfraEvent =
  /** Emitted once, before asking for confirmation and before any write. `access`: what to create in Cloudflare Access (deploy with an access block). */
  | { type: "plan"; operation: "deploy" | "destroy"; target: InfraTarget; actions: InfraAction[]; access?: AccessSetup }
  /** Emitted after each write to the account. */
  | { type: "applied"; action: InfraAction };

/** dry-run: planned only; no-change: nothing differed; cancelled: the user said no; applied: written. */
export type InfraOutcome = "dry-run" | "no-change" | "cancelled" | "applied";

export type InfraEventHandler = (event: InfraEvent) => void;

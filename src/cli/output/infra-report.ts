// How `infra deploy|destroy` reads: the plan (one line per action, kubectl-diff signs, a summary),
// each action as it is applied, and one closing line per outcome. Text only: the infra code
// hands over events and results (src/infra/events.ts) and never prints.
import type { AccessSetup } from "../../infra/access-setup.js";
import type { InfraDeployResult } from "../../infra/deploy.js";
import type { InfraDestroyResult } from "../../infra/destroy.js";
import type { InfraEvent } from "../../infra/events.js";
import type { InfraAction, InfraOp } from "../../infra/plan.js";

const SIGN: Record<InfraOp, string> = { create: "+", update: "~", delete: "-", unchanged: "=" };

/** The plan as text lines, one per action, then a summary line. */
export function planLines(actions: InfraAction[]): string[] {
  const lines = actions.map((a) => {
    const extra = a.op === "update" ? ` (${a.changed.join(", ")})` : "";
    return `  ${SIGN[a.op]} ${a.op.padEnd(9)} ${a.kind} ${a.key}${extra}`;
  });
  const count = (op: InfraOp) => actions.filter((a) => a.op === op).length;
  lines.push(`${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete, ${count("unchanged")} unchanged.`);
  return lines;
}

export function infraEventLines(event: InfraEvent): string[] {
  if (event.type === "applied") return [`  done: ${event.action.op} ${event.action.kind} ${event.action.key}`];
  const { script, accountId, zones } = event.target;
  const header =
    event.operation === "deploy"
      ? `Linkup deployment ${script} on account ${accountId}; zones: ${zones.map((z, i) => (i === 0 ? `${z} (tunnel zone)` : z)).join(", ")}`
      : `Removing Linkup deployment ${script} from account ${accountId}`;
  return [header, ...planLines(event.actions), ...(event.access ? accessSetupLines(event.access) : [])];
}

/** What to create in Cloudflare Access (Linkup does not create it: the policies are the team's). */
export function accessSetupLines(a: AccessSetup): string[] {
  const lines = [
    `Cloudflare Access (team ${a.teamDomain}): create in Zero Trust > Access > Applications (Linkup does not create these):`,
    `  1. a self-hosted application for the sessions, public hostnames: ${a.sessionHosts.join(", ") || "(the session domains)"}`,
    "     policies: Allow for your team (e.g. emails ending in your company domain, or an IdP group),",
    "     and Service Auth with a service token for deployed services that call session URLs",
    `     its Application Audience (AUD) tag goes in linkup.yaml access.audience (now ${a.audience})`,
    `  2. keep out of that application: the tunnels (${a.tunnelHosts}; the worker signs every`,
    `     request into them) and the session API (${a.apiUrl}, bearer token): if the tunnel zone`,
    "     is also a session domain, add a Bypass application for each tunnel hostname",
  ];
  if (a.publicHosts.length > 0)
    lines.push("  3. for each access: public session, a self-hosted application with a Bypass policy for Everyone:", `     ${a.publicHosts.join(", ")}`);
  lines.push(`  The worker checks Cf-Access-Jwt-Assertion against ${a.certsUrl} (RS256, issuer, audience, expiry).`);
  return lines;
}

const NOTHING_CHANGED = { "dry-run": "Dry run: nothing was changed.", cancelled: "Cancelled: nothing was changed." } as const;

export function deployResultLines(r: InfraDeployResult): string[] {
  switch (r.outcome) {
    case "dry-run":
    case "cancelled":
      return [NOTHING_CHANGED[r.outcome]];
    case "no-change":
      return [`Nothing to do; the worker is at ${r.workerUrl}.`];
    case "applied":
      return [
        `Deployed ${r.script}: ${r.workerUrl} (and routes on ${r.zones.join(", ")}).`,
        r.workerToken
          ? `New worker token (shown only now; put it in your linkup config as the worker token): ${r.workerToken}`
          : "Worker token unchanged (kept from the previous deploy).",
      ];
  }
}

export function destroyResultLines(r: InfraDestroyResult): string[] {
  switch (r.outcome) {
    case "dry-run":
    case "cancelled":
      return [NOTHING_CHANGED[r.outcome]];
    case "no-change":
      return ["Nothing to remove."];
    case "applied":
      return ["Removed."];
  }
}

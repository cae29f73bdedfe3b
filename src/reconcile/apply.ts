// The applier, the only code that writes sessions: one write per changed session and side, each
// guarded (If-None-Match: * to create, If-Match: <version> to replace or delete). A 412 re-reads
// that one session, re-plans it once and retries; a failure is reported by name and the rest
// still applied. Applying an unchanged plan sends no writes at all; a session the config no
// longer declares (without --prune) is reported and left alone.
import { ConflictError } from "../core/errors.js";
import { normaliseRecord, type ActualSession } from "./actual.js";
import type { Placement, SessionApi } from "../clients/session-api.js";
import type { DesiredSession } from "./desired.js";
import { plan, type Action } from "./plan.js";

export type ApplyResult = "created" | "configured" | "unchanged" | "pruned" | "undeclared" | "failed";

export interface ApplyOutcome {
  name: string;
  result: ApplyResult;
  placements: Placement[];
  /** Set when result is "failed". */
  error?: string;
  /** Worker side of a tunneled session: where it reaches this machine. */
  tunnel_url?: string;
}

export interface ApplyInput {
  actions: Action[];
  desired: DesiredSession[];
  clients: Record<Placement, SessionApi>;
  identity: string | null;
  /** This person's owner id (re-planning after a 412 must keep a teammate's personal session out of prune). */
  owner?: string | null;
  prune: boolean;
  /** Actual worker-side tunnel URLs, so tunnels are only started where none is known yet. */
  tunnelUrls?: Map<string, string | null>;
  /** Writes the connector token of a Cloudflare tunnel where the local daemon can find it. */
  onRunToken?: (session: string, runToken: string) => Promise<void>;
}

type Done = { kind: Action["kind"]; tunnelUrl?: string | null };

async function execute(action: Action, input: ApplyInput): Promise<Done> {
  const client = input.clients[action.placement];
  const owner = input.desired.find((d) => d.name === action.name)?.owner ?? null;
  const body = (spec: DesiredSession["spec"]) => ({ spec, managed_by: input.identity, owner });
  switch (action.kind) {
    case "unchanged":
      return { kind: "unchanged" };
    case "undeclared":
      return { kind: "undeclared" };
    case "create": {
      const r = await client.put(action.name, body(action.spec), { ifNoneMatch: true });
      return { kind: "create", tunnelUrl: r.record?.tunnel_url ?? null };
    }
    case "update": {
      const r = await client.put(action.name, body(action.spec), { ifMatch: action.version });
      return { kind: "update", tunnelUrl: r.record?.tunnel_url ?? null };
    }
    case "delete":
      await client.delete(action.name, { ifMatch: action.version });
      return { kind: "delete" };
  }
}

/** Someone wrote between our read and our write: read that session again and plan it afresh. */
async function replan(action: Action, input: ApplyInput): Promise<{ action: Action; live: ActualSession | undefined }> {
  const record = await input.clients[action.placement].get(action.name);
  const live = record ? normaliseRecord(record, action.placement) : undefined;
  const desired = input.desired.filter((d) => d.name === action.name);
  const next = plan(desired, live ? [live] : [], { prune: input.prune, identity: input.identity, owner: input.owner ?? null }).find(
    (a) => a.placement === action.placement,
  );
  // Nothing planned any more (e.g. the session we were pruning is already gone): nothing to do.
  return { action: next ?? { kind: "unchanged", name: action.name, placement: action.placement }, live };
}

async function executeWithRetry(action: Action, input: ApplyInput): Promise<Done> {
  try {
    return await execute(action, input);
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    const { action: again, live } = await replan(action, input);
    const done = await execute(again, input);
    return again.kind === "unchanged" ? { ...done, tunnelUrl: live?.tunnel_url ?? null } : done;
  }
}

function resultOf(kinds: Action["kind"][]): ApplyResult {
  if (kinds.every((k) => k === "unchanged")) return "unchanged";
  if (kinds.every((k) => k === "create")) return "created";
  if (kinds.every((k) => k === "delete")) return "pruned";
  if (kinds.every((k) => k === "undeclared")) return "undeclared";
  return "configured";
}

/** Applies the plan session by session; `report` sees each outcome as soon as it is known. */
export async function applyPlan(input: ApplyInput, report: (o: ApplyOutcome) => void = () => {}): Promise<ApplyOutcome[]> {
  const names = [...new Set(input.actions.map((a) => a.name))];
  const outcomes: ApplyOutcome[] = [];
  for (const name of names) {
    const actions = input.actions.filter((a) => a.name === name);
    const kinds: Action["kind"][] = [];
    const outcome: ApplyOutcome = { name, result: "unchanged", placements: actions.map((a) => a.placement) };
    try {
      for (const action of actions) {
        const done = await executeWithRetry(action, input);
        kinds.push(done.kind);
        if (action.placement === "worker" && done.kind !== "delete" && done.kind !== "undeclared") {
          const tunnel = await ensureTunnel(name, done, input);
          if (tunnel) outcome.tunnel_url = tunnel;
        }
      }
      outcome.result = resultOf(kinds);
    } catch (e) {
      outcome.result = "failed";
      outcome.error = (e as Error)?.message ?? String(e);
    }
    outcomes.push(outcome);
    report(outcome);
  }
  return outcomes;
}

/** A tunneled session's worker copy needs a tunnel URL; ask the worker once, when it has none. */
async function ensureTunnel(name: string, done: Done, input: ApplyInput): Promise<string | undefined> {
  const desired = input.desired.find((d) => d.name === name);
  const client = input.clients.worker;
  if (desired?.spec.type !== "tunneled" || !client.startTunnel) return undefined;
  const known = done.kind === "unchanged" ? (done.tunnelUrl ?? input.tunnelUrls?.get(name) ?? null) : (done.tunnelUrl ?? null);
  if (known) return known;
  const started = await client.startTunnel(name);
  if (started.run_token && input.onRunToken) await input.onRunToken(name, started.run_token);
  return started.tunnel_url;
}

export function failed(outcomes: ApplyOutcome[]): ApplyOutcome[] {
  return outcomes.filter((o) => o.result === "failed");
}

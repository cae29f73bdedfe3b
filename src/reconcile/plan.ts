// The planner: desired sessions against actual ones -> one action per session per placement.
// Pure (no I/O, no clock), so it is unit-tested with literal objects. Appliers are the only code
// that writes; `diff` and `apply --dry-run` print this plan and stop.
import { isDeepStrictEqual } from "node:util";
import { effectiveTtlSeconds, isExpired } from "../core/duration.js";
import type { SessionSpec } from "../core/session.js";
import type { ActualSession } from "./actual.js";
import type { Placement } from "../clients/session-api.js";
import type { DesiredSession } from "./desired.js";
import { declaredVsManaged, mayPrune } from "./ownership.js";

export interface FieldChange {
  /** e.g. `services[api].route`, `domains[example.com].routes`, `managed_by`, `owner`. */
  path: string;
  from: unknown;
  to: unknown;
}

export type Action =
  | { kind: "create"; name: string; placement: Placement; spec: SessionSpec }
  | { kind: "update"; name: string; placement: Placement; from: SessionSpec; spec: SessionSpec; version: number; changes: FieldChange[] }
  | { kind: "delete"; name: string; placement: Placement; from: SessionSpec; version: number; reason: "pruned" | "placement" }
  /** Managed by this config (and not someone else's personal session) but no longer declared: deleted only with --prune. */
  | { kind: "undeclared"; name: string; placement: Placement; from: SessionSpec }
  | { kind: "unchanged"; name: string; placement: Placement };

export interface PlanOptions {
  prune: boolean;
  /**
   * Recorded as managed_by on every write; prune only deletes sessions carrying it. Imperative
   * commands pass the session's current owner (or null), so they never claim a session.
   */
  identity: string | null;
  /** This person's owner id: their personal sessions may be pruned, a teammate's never. */
  owner?: string | null;
  /**
   * The clock (ms since epoch). With it, a live session past its expires_at is planned as an
   * update (`expires_at` change), so `diff` shows it and `apply` writes it again.
   */
  now?: number;
  /**
   * With `now`: also write sessions with less than half their ttl left (or an expiring type but no
   * expiry recorded yet), so a session applied at least every ttl/2 never expires. `apply` sets
   * this; `diff` does not, so a pending renewal is not a difference.
   */
  renew?: boolean;
}

/** Why an otherwise unchanged session must be written again, or undefined. */
function renewal(a: ActualSession, spec: SessionSpec, options: PlanOptions): FieldChange | undefined {
  if (options.now === undefined) return undefined;
  const expires = a.expires_at ?? null;
  if (expires !== null && isExpired({ expires_at: expires }, options.now)) return { path: "expires_at", from: expires, to: "renewed" };
  if (!options.renew) return undefined;
  const ttl = effectiveTtlSeconds(spec);
  if (ttl === null) return undefined;
  if (expires === null || Date.parse(expires) - options.now < (ttl * 1000) / 2) return { path: "expires_at", from: expires, to: "renewed" };
  return undefined;
}

const PLACEMENT_ORDER: Placement[] = ["local", "worker"];

export function plan(desired: DesiredSession[], actual: ActualSession[], options: PlanOptions): Action[] {
  const key = (name: string, p: Placement) => `${p}\u0000${name}`;
  const live = new Map(actual.map((a) => [key(a.name, a.placement), a]));
  const wantedNames = new Set(desired.map((d) => d.name));
  const wanted = new Set<string>();
  const actions: Action[] = [];

  for (const d of desired) {
    for (const p of d.placement) {
      wanted.add(key(d.name, p));
      const a = live.get(key(d.name, p));
      if (!a) {
        actions.push({ kind: "create", name: d.name, placement: p, spec: d.spec });
        continue;
      }
      // Most sessions are unchanged: one structural comparison settles them before the field walk.
      const changes = isDeepStrictEqual(a.spec, d.spec) ? [] : specChanges(a.spec, d.spec);
      if (a.managed_by !== options.identity) changes.push({ path: "managed_by", from: a.managed_by, to: options.identity });
      if (a.owner !== d.owner) changes.push({ path: "owner", from: a.owner, to: d.owner });
      if (changes.length === 0) {
        const renew = renewal(a, d.spec, options);
        if (renew) changes.push(renew);
      }
      actions.push(
        changes.length === 0
          ? { kind: "unchanged", name: d.name, placement: p }
          : { kind: "update", name: d.name, placement: p, from: a.spec, spec: d.spec, version: a.version, changes },
      );
    }
  }

  const ownership = { identity: options.identity, owner: options.owner ?? null };
  for (const a of actual) {
    // A declared session whose type moved it off this side (tunneled -> preview) is stale here
    // whatever --prune says: the config names it, so it is ours and the old copy would misroute.
    if (wantedNames.has(a.name) && !wanted.has(key(a.name, a.placement)) && mayPrune(a, ownership))
      actions.push({ kind: "delete", name: a.name, placement: a.placement, from: a.spec, version: a.version, reason: "placement" });
  }
  // Managed, shared or this person's own, and no longer declared: deleted with --prune, else listed.
  for (const a of declaredVsManaged(wantedNames, actual, ownership).undeclared)
    actions.push(
      options.prune
        ? { kind: "delete", name: a.name, placement: a.placement, from: a.spec, version: a.version, reason: "pruned" }
        : { kind: "undeclared", name: a.name, placement: a.placement, from: a.spec },
    );

  return actions.sort(
    (x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : PLACEMENT_ORDER.indexOf(x.placement) - PLACEMENT_ORDER.indexOf(y.placement)),
  );
}

/** Field-level differences between two specs; lists of named things are matched by name. */
export function specChanges(from: SessionSpec, to: SessionSpec): FieldChange[] {
  const changes: FieldChange[] = [];
  const same = (a: unknown, b: unknown) => a === b || isDeepStrictEqual(a, b);
  if (from.type !== to.type) changes.push({ path: "type", from: from.type, to: to.type });

  const fromSvc = new Map(from.services.map((s) => [s.name, s]));
  const toSvc = new Map(to.services.map((s) => [s.name, s]));
  for (const [name, t] of toSvc) {
    const f = fromSvc.get(name);
    if (!f) {
      changes.push({ path: `services[${name}]`, from: undefined, to: t });
      continue;
    }
    for (const field of ["route", "local", "remote", "rewrites", "timeouts"] as const)
      if (!same(f[field], t[field])) changes.push({ path: `services[${name}].${field}`, from: f[field], to: t[field] });
  }
  for (const [name, f] of fromSvc) if (!toSvc.has(name)) changes.push({ path: `services[${name}]`, from: f, to: undefined });

  const fromDom = new Map(from.domains.map((d) => [d.domain, d]));
  const toDom = new Map(to.domains.map((d) => [d.domain, d]));
  for (const [domain, t] of toDom) {
    const f = fromDom.get(domain);
    if (!f) changes.push({ path: `domains[${domain}]`, from: undefined, to: t });
    else
      for (const field of ["default_service", "routes"] as const)
        if (!same(f[field], t[field])) changes.push({ path: `domains[${domain}].${field}`, from: f[field], to: t[field] });
  }
  for (const [domain, f] of fromDom) if (!toDom.has(domain)) changes.push({ path: `domains[${domain}]`, from: f, to: undefined });
  // Domain order matters for matching ties, so a pure reorder is a change too.
  if (changes.every((c) => !c.path.startsWith("domains")) && !same(from.domains.map((d) => d.domain), to.domains.map((d) => d.domain)))
    changes.push({ path: "domains", from: from.domains.map((d) => d.domain), to: to.domains.map((d) => d.domain) });

  if (!same(from.cache_routes, to.cache_routes)) changes.push({ path: "cache_routes", from: from.cache_routes, to: to.cache_routes });
  if (from.ttl !== to.ttl) changes.push({ path: "ttl", from: from.ttl, to: to.ttl });
  return changes;
}

export interface PlanSummary {
  create: number;
  change: number;
  delete: number;
  unchanged: number;
  /** Managed sessions the config no longer declares, kept because --prune was not given. */
  undeclared: number;
}

/** Counts sessions, not placements: a tunneled session created on both sides is one creation. */
export function summarise(actions: Action[]): PlanSummary {
  const byName = new Map<string, Set<Action["kind"]>>();
  for (const a of actions) {
    const kinds = byName.get(a.name) ?? new Set();
    kinds.add(a.kind);
    byName.set(a.name, kinds);
  }
  const s: PlanSummary = { create: 0, change: 0, delete: 0, unchanged: 0, undeclared: 0 };
  for (const kinds of byName.values()) {
    if (kinds.size === 1 && kinds.has("create")) s.create++;
    else if (kinds.size === 1 && kinds.has("delete")) s.delete++;
    else if (kinds.size === 1 && kinds.has("unchanged")) s.unchanged++;
    else if (kinds.size === 1 && kinds.has("undeclared")) s.undeclared++;
    else s.change++;
  }
  return s;
}

/** Anything to show: a write, or a managed session the config no longer declares (`diff` exits 1 for both). */
export function hasChanges(actions: Action[]): boolean {
  return actions.some((a) => a.kind !== "unchanged");
}

/** One session's planned change, merged across the sides it lives on (what the watch reports). */
export interface SessionChange {
  name: string;
  kind: "create" | "update" | "delete";
  placements: Placement[];
  /** For updates: field by field, from the live value to the desired one. */
  changes: FieldChange[];
}

/** The plan per session, unchanged sessions left out; an update on any side makes the session an update. */
export function sessionChanges(actions: Action[]): SessionChange[] {
  const byName = new Map<string, SessionChange>();
  for (const a of actions) {
    // Undeclared sessions are reported by apply and diff, but nothing is written for them: no change.
    if (a.kind === "unchanged" || a.kind === "undeclared") continue;
    const seen = byName.get(a.name);
    if (!seen) {
      byName.set(a.name, { name: a.name, kind: a.kind, placements: [a.placement], changes: a.kind === "update" ? [...a.changes] : [] });
      continue;
    }
    seen.placements.push(a.placement);
    if (seen.kind !== a.kind) seen.kind = "update";
    if (a.kind === "update")
      for (const c of a.changes) if (!seen.changes.some((x) => x.path === c.path && isDeepStrictEqual(x.from, c.from) && isDeepStrictEqual(x.to, c.to))) seen.changes.push(c);
  }
  return [...byName.values()];
}

// What a plan does, in words: sessions added and removed, a session's type or ttl changing,
// services whose route changes (`web: remote → local`), services, domains, domain routes and
// cache routes added or removed. Shared parts (services, domains) appear in every session's spec,
// so they are reported once. Pure; the renderers (text, markdown) decide how names are quoted.
import { isDeepStrictEqual } from "node:util";
import type { SessionServiceSpec, SessionSpec } from "../core/session.js";
import type { Action } from "./plan.js";

export type OverviewItem =
  | { kind: "session-added"; session: string; type: string }
  | { kind: "session-removed"; session: string; type: string }
  | { kind: "session-type"; session: string; from: string; to: string }
  | { kind: "session-ttl"; session: string; from: string | null; to: string | null }
  | { kind: "session-owner"; session: string; from: string | null; to: string | null }
  /** The person a session belongs to (its `owner`; null: shared). */
  | { kind: "session-person"; session: string; from: string | null; to: string | null }
  /** Managed by the config, no longer declared, kept until `apply --prune`. */
  | { kind: "session-undeclared"; session: string; type: string }
  | { kind: "session-renewal"; session: string; expires: string | null }
  /** `from` null: the service is new in this session. */
  | { kind: "route"; session: string; service: string; from: string | null; to: string }
  | { kind: "service-added"; service: string }
  | { kind: "service-removed"; service: string }
  | { kind: "service-url"; service: string; field: "local" | "remote"; from: string | null; to: string | null }
  | { kind: "service-rewrites"; service: string }
  | { kind: "domain-added"; domain: string }
  | { kind: "domain-removed"; domain: string }
  | { kind: "domain-default"; domain: string; from: string; to: string }
  | { kind: "domain-route-added"; domain: string; path: string; service: string }
  | { kind: "domain-route-removed"; domain: string; path: string; service: string }
  | { kind: "domain-routes-reordered"; domain: string }
  | { kind: "domain-order"; from: string[]; to: string[] }
  | { kind: "cache-route-added"; path: string }
  | { kind: "cache-route-removed"; path: string };

/** Whether an item adds (+), removes (-) or changes (~) something: the first column of the summary. */
export function overviewSign(item: OverviewItem): "+" | "-" | "~" {
  if (item.kind.endsWith("-added")) return "+";
  if (item.kind.endsWith("-removed")) return "-";
  return "~";
}

/** How a renderer quotes a name or value (plain text as is; markdown in code spans). */
export type Quote = (value: string) => string;

const ARROW = "→";

/** One item as a sentence. */
export function describeItem(item: OverviewItem, q: Quote = (s) => s): string {
  const opt = (v: string | null, none: string) => (v === null ? none : q(v));
  switch (item.kind) {
    case "session-added":
      return `session ${q(item.session)} added (${item.type})`;
    case "session-removed":
      return `session ${q(item.session)} removed (${item.type}; \`apply --prune\` deletes it)`;
    case "session-type":
      return `session ${q(item.session)}: type ${item.from} ${ARROW} ${item.to}`;
    case "session-ttl":
      return `session ${q(item.session)}: ttl ${opt(item.from, "default")} ${ARROW} ${opt(item.to, "default")}`;
    case "session-owner":
      return `session ${q(item.session)}: managed by ${opt(item.from, "nobody")} ${ARROW} ${opt(item.to, "nobody")}`;
    case "session-person":
      return `session ${q(item.session)}: ${item.from === null ? "shared" : `personal session of ${q(item.from)}`} ${ARROW} ${item.to === null ? "shared" : `personal session of ${q(item.to)}`}`;
    case "session-undeclared":
      return `session ${q(item.session)} not declared any more (${item.type}; kept until \`apply --prune\`)`;
    case "session-renewal":
      return `session ${q(item.session)}: renewed (${item.expires === null ? "no expiry recorded yet" : `expires ${item.expires}`})`;
    case "route":
      return `session ${q(item.session)}: ${q(item.service)}: ${item.from === null ? "(new service)" : q(item.from)} ${ARROW} ${q(item.to)}`;
    case "service-added":
      return `service ${q(item.service)} added`;
    case "service-removed":
      return `service ${q(item.service)} removed`;
    case "service-url":
      return `service ${q(item.service)}: ${item.field} URL ${opt(item.from, "(none)")} ${ARROW} ${opt(item.to, "(none)")}`;
    case "service-rewrites":
      return `service ${q(item.service)}: rewrites changed`;
    case "domain-added":
      return `domain ${q(item.domain)} added`;
    case "domain-removed":
      return `domain ${q(item.domain)} removed`;
    case "domain-default":
      return `domain ${q(item.domain)}: default service ${q(item.from)} ${ARROW} ${q(item.to)}`;
    case "domain-route-added":
      return `domain ${q(item.domain)}: route ${q(item.path)} ${ARROW} ${q(item.service)} added`;
    case "domain-route-removed":
      return `domain ${q(item.domain)}: route ${q(item.path)} ${ARROW} ${q(item.service)} removed`;
    case "domain-routes-reordered":
      return `domain ${q(item.domain)}: routes reordered (the first match wins)`;
    case "domain-order":
      return `domain order ${item.from.map(q).join(", ")} ${ARROW} ${item.to.map(q).join(", ")}`;
    case "cache-route-added":
      return `cache route ${q(item.path)} added`;
    case "cache-route-removed":
      return `cache route ${q(item.path)} removed`;
  }
}

/** Multiset difference of domain routes, keyed by path and service. */
function routeDelta(from: { path: string; service: string }[], to: { path: string; service: string }[]) {
  const remaining = [...from];
  const added: { path: string; service: string }[] = [];
  for (const r of to) {
    const i = remaining.findIndex((x) => x.path === r.path && x.service === r.service);
    if (i === -1) added.push(r);
    else remaining.splice(i, 1);
  }
  return { added, removed: remaining };
}

/** Changes to what every session shares (services, domains, cache routes), between two specs. */
function sharedChanges(from: SessionSpec, to: SessionSpec): OverviewItem[] {
  const items: OverviewItem[] = [];
  const fromSvc = new Map(from.services.map((s) => [s.name, s]));
  const toSvc = new Map(to.services.map((s) => [s.name, s]));
  for (const [name, t] of toSvc) {
    const f = fromSvc.get(name);
    if (!f) {
      items.push({ kind: "service-added", service: name });
      continue;
    }
    for (const field of ["local", "remote"] as const)
      if (f[field] !== t[field]) items.push({ kind: "service-url", service: name, field, from: f[field] ?? null, to: t[field] ?? null });
    if (!isDeepStrictEqual(f.rewrites, t.rewrites)) items.push({ kind: "service-rewrites", service: name });
  }
  for (const name of fromSvc.keys()) if (!toSvc.has(name)) items.push({ kind: "service-removed", service: name });

  const fromDom = new Map(from.domains.map((d) => [d.domain, d]));
  const toDom = new Map(to.domains.map((d) => [d.domain, d]));
  for (const [domain, t] of toDom) {
    const f = fromDom.get(domain);
    if (!f) {
      items.push({ kind: "domain-added", domain });
      continue;
    }
    if (f.default_service !== t.default_service) items.push({ kind: "domain-default", domain, from: f.default_service, to: t.default_service });
    const { added, removed } = routeDelta(f.routes, t.routes);
    for (const r of added) items.push({ kind: "domain-route-added", domain, ...r });
    for (const r of removed) items.push({ kind: "domain-route-removed", domain, ...r });
    if (added.length === 0 && removed.length === 0 && !isDeepStrictEqual(f.routes, t.routes)) items.push({ kind: "domain-routes-reordered", domain });
  }
  for (const domain of fromDom.keys()) if (!toDom.has(domain)) items.push({ kind: "domain-removed", domain });
  const fromOrder = from.domains.map((d) => d.domain);
  const toOrder = to.domains.map((d) => d.domain);
  const common = (a: string[], b: string[]) => a.filter((d) => b.includes(d));
  if (!isDeepStrictEqual(common(fromOrder, toOrder), common(toOrder, fromOrder)))
    items.push({ kind: "domain-order", from: fromOrder, to: toOrder });

  const { added: cacheAdded, removed: cacheRemoved } = routeDelta(
    from.cache_routes.map((path) => ({ path, service: "" })),
    to.cache_routes.map((path) => ({ path, service: "" })),
  );
  for (const r of cacheAdded) items.push({ kind: "cache-route-added", path: r.path });
  for (const r of cacheRemoved) items.push({ kind: "cache-route-removed", path: r.path });
  return items;
}

/** Changes to one session's own choices (type, ttl, routes), between two specs. */
function sessionChanges(session: string, from: SessionSpec, to: SessionSpec): OverviewItem[] {
  const items: OverviewItem[] = [];
  if (from.type !== to.type) items.push({ kind: "session-type", session, from: from.type, to: to.type });
  if (from.ttl !== to.ttl) items.push({ kind: "session-ttl", session, from: from.ttl ?? null, to: to.ttl ?? null });
  const fromSvc = new Map<string, SessionServiceSpec>(from.services.map((s) => [s.name, s]));
  for (const t of to.services) {
    const f = fromSvc.get(t.name);
    if (f ? f.route !== t.route : t.route !== "remote") items.push({ kind: "route", session, service: t.name, from: f ? f.route : null, to: t.route });
  }
  return items;
}

/** The plan in words, sessions first (by name), then what they share, each said once. */
export function overview(actions: Action[]): OverviewItem[] {
  const byName = new Map<string, Action[]>();
  for (const a of actions) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const sessions: OverviewItem[] = [];
  const shared: OverviewItem[] = [];
  const seen = new Set<string>();
  const addShared = (items: OverviewItem[]) => {
    for (const item of items) {
      const key = JSON.stringify(item);
      if (!seen.has(key)) {
        seen.add(key);
        shared.push(item);
      }
    }
  };
  for (const [name, list] of byName) {
    if (list.every((a) => a.kind === "unchanged")) continue;
    if (list.every((a) => a.kind === "create")) {
      sessions.push({ kind: "session-added", session: name, type: (list[0] as Extract<Action, { kind: "create" }>).spec.type });
      continue;
    }
    if (list.every((a) => a.kind === "undeclared")) {
      sessions.push({ kind: "session-undeclared", session: name, type: (list[0] as Extract<Action, { kind: "undeclared" }>).from.type });
      continue;
    }
    if (list.every((a) => a.kind === "delete" && a.reason === "pruned")) {
      sessions.push({ kind: "session-removed", session: name, type: (list[0] as Extract<Action, { kind: "delete" }>).from.type });
      continue;
    }
    let from: SessionSpec | undefined;
    let to: SessionSpec | undefined;
    for (const a of list) {
      if (a.kind === "update") {
        from ??= a.from;
        to ??= a.spec;
        for (const c of a.changes) {
          if (c.path === "managed_by")
            sessions.push({ kind: "session-owner", session: name, from: (c.from as string | null) ?? null, to: (c.to as string | null) ?? null });
          if (c.path === "owner")
            sessions.push({ kind: "session-person", session: name, from: (c.from as string | null) ?? null, to: (c.to as string | null) ?? null });
          if (c.path === "expires_at") sessions.push({ kind: "session-renewal", session: name, expires: (c.from as string | null) ?? null });
        }
      }
    }
    for (const a of list) {
      if (a.kind === "delete") from ??= a.from;
      if (a.kind === "create") to ??= a.spec;
    }
    if (!from || !to) continue;
    sessions.push(...sessionChanges(name, from, to));
    addShared(sharedChanges(from, to));
  }
  // One entry per owner or renewal change even when a session changes on two sides.
  const unique = sessions.filter((item, i) => sessions.findIndex((x) => JSON.stringify(x) === JSON.stringify(item)) === i);
  return [...unique, ...shared];
}

/** The overview as indented text lines (`  + session pr-1 added (preview)`), for the terminal. */
export function overviewLines(items: OverviewItem[]): string[] {
  return items.map((item) => `  ${overviewSign(item)} ${describeItem(item)}`);
}

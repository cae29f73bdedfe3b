// The infra planner (pure): desired Cloudflare resources vs what exists -> actions, kubectl-diff
// style. Resources are matched by kind + key; only the fields a desired resource declares are
// compared, so server-only fields (ids, timestamps, secret values) never show up as changes.

export type InfraKind =
  | "api-token"
  | "kv-namespace"
  | "worker-script"
  | "worker-secret"
  | "worker-cron"
  | "workers-dev"
  | "worker-route"
  | "dns-record"
  | "cache-rule"
  | "tunnel-dns-record"
  | "tunnel";

export interface InfraResource {
  kind: InfraKind;
  /** Identity within the kind (name, title, route pattern, zone-qualified DNS name). */
  key: string;
  zoneId?: string;
  /** Cloudflare's id, known for existing resources only. */
  id?: string;
  /** The fields that matter; compared with the same fields of the existing resource. */
  spec: Record<string, unknown>;
  /** "kind key" of resources whose re-creation forces this one to be written again. */
  dependsOn?: string[];
}

export type InfraOp = "create" | "update" | "delete" | "unchanged";

export interface InfraAction {
  op: InfraOp;
  kind: InfraKind;
  key: string;
  desired?: InfraResource;
  actual?: InfraResource;
  /** For updates: which fields (or dependencies) differ. */
  changed: string[];
}

/** Creation order; deletions run in the reverse of it. */
export const KIND_ORDER: InfraKind[] = [
  "api-token",
  "kv-namespace",
  "worker-script",
  "worker-secret",
  "worker-cron",
  "workers-dev",
  "worker-route",
  "dns-record",
  "cache-rule",
  "tunnel",
  "tunnel-dns-record",
];

const ref = (r: { kind: string; key: string }) => `${r.kind} ${r.key}`;

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "undefined";
}

export function planInfra(desired: InfraResource[], actual: InfraResource[]): InfraAction[] {
  const existing = new Map(actual.map((r) => [ref(r), r]));
  const wanted = new Set(desired.map(ref));
  const actions: InfraAction[] = [];
  const created = new Set<string>();

  const sorted = [...desired].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  for (const d of sorted) {
    const a = existing.get(ref(d));
    if (!a) {
      actions.push({ op: "create", kind: d.kind, key: d.key, desired: d, changed: [] });
      created.add(ref(d));
      continue;
    }
    const changed = Object.keys(d.spec).filter((k) => canonical(d.spec[k]) !== canonical(a.spec[k]));
    for (const dep of d.dependsOn ?? []) if (created.has(dep)) changed.push(`new ${dep}`);
    actions.push({ op: changed.length ? "update" : "unchanged", kind: d.kind, key: d.key, desired: d, actual: a, changed });
  }
  const removals = actual
    .filter((a) => !wanted.has(ref(a)))
    .sort((x, y) => KIND_ORDER.indexOf(y.kind) - KIND_ORDER.indexOf(x.kind));
  for (const a of removals) actions.push({ op: "delete", kind: a.kind, key: a.key, actual: a, changed: [] });
  return actions;
}

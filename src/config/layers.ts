// How config files stack, with the provenance of every value. Team files (`-f a.yaml -f b.yaml`)
// merge in order: `linkup` key by key, services and sessions by name (the unnamed session matches
// the unnamed one), domains by domain, each matched item key by key (a session's `routes` service
// by service), lists inside items (rewrites, routes of a domain, cache_routes) replaced whole.
// linkup.local.yaml is one person's layer with narrower rights: it may change the personal
// session, add personal sessions and override a service's local side (`local`, `directory`,
// `health`); anything the team shares is refused with the key's position. Pure: no files here.

import { configSchema } from "../core/config-schema.js";

export type YamlPath = (string | number)[];

/** Where a merged value was written: layer index and the path inside that layer's document. */
export interface Origin {
  layer: number;
  path: YamlPath;
}

/** Merged path -> origin; a path without an entry inherits its closest ancestor's. */
export class Provenance {
  private readonly map = new Map<string, Origin>();

  constructor(root: Origin) {
    this.map.set(key([]), root);
  }

  /** `path` (and everything under it) now comes from `origin`. */
  set(path: YamlPath, origin: Origin): void {
    const k = key(path);
    const prefix = k.slice(0, -1);
    for (const other of [...this.map.keys()]) if (other !== k && other.startsWith(prefix + ",")) this.map.delete(other);
    this.map.set(k, origin);
  }

  locate(path: YamlPath): Origin {
    for (let n = path.length; n >= 0; n--) {
      const o = this.map.get(key(path.slice(0, n)));
      if (o) return { layer: o.layer, path: [...o.path, ...path.slice(n)] };
    }
    return { layer: 0, path };
  }

  clone(): Provenance {
    const p = new Provenance({ layer: 0, path: [] });
    p.map.clear();
    for (const [k, v] of this.map) p.map.set(k, v);
    return p;
  }
}

function key(path: YamlPath): string {
  return JSON.stringify(path);
}

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const LIST_ID: Record<string, string> = { services: "name", domains: "domain", sessions: "name" };

/** The index of the item `item` matches among the first `count` items of `list`, or -1. */
function match(list: unknown[], count: number, item: unknown, id: string): number {
  if (!isObject(item)) return -1;
  const want = item[id];
  // The unnamed (personal) session matches the unnamed one; an item without an id otherwise never matches.
  if (want === undefined && id !== "name") return -1;
  for (let i = 0; i < count; i++) {
    const x = list[i];
    if (isObject(x) && x[id] === want) return i;
  }
  return -1;
}

function mergeItem(target: unknown[], at: number, item: Obj, kind: string, prov: Provenance, layer: number, from: YamlPath, to: YamlPath): void {
  const existing = target[at];
  if (!isObject(existing)) {
    target[at] = structuredClone(item);
    prov.set(to, { layer, path: from });
    return;
  }
  const merged: Obj = { ...existing };
  for (const [k, v] of Object.entries(item)) {
    const cur = merged[k];
    // The key the item was matched by stays where it was first written.
    if (k === LIST_ID[kind] && cur === v) continue;
    if (kind === "sessions" && k === "routes" && isObject(v) && isObject(cur)) {
      const routes: Obj = { ...cur };
      for (const [svc, target] of Object.entries(v)) {
        routes[svc] = target;
        prov.set([...to, k, svc], { layer, path: [...from, k, svc] });
      }
      merged[k] = routes;
    } else {
      merged[k] = structuredClone(v);
      prov.set([...to, k], { layer, path: [...from, k] });
    }
  }
  target[at] = merged;
}

/** Merges one team layer onto `target` (in place). */
export function mergeTeamLayer(target: Obj, layerValue: Obj, layer: number, prov: Provenance): void {
  for (const [k, v] of Object.entries(layerValue)) {
    const cur = target[k];
    if (k === "linkup" && isObject(v) && isObject(cur)) {
      const merged: Obj = { ...cur };
      for (const [sk, sv] of Object.entries(v)) {
        merged[sk] = structuredClone(sv);
        prov.set([k, sk], { layer, path: [k, sk] });
      }
      target[k] = merged;
    } else if (LIST_ID[k] && Array.isArray(v) && Array.isArray(cur)) {
      const list = [...cur];
      // Items match those of earlier layers only: two items with one name in a single file are a
      // duplicate (reported by validation), not an override.
      const before = list.length;
      v.forEach((item, li) => {
        const at = match(list, before, item, LIST_ID[k]!);
        if (at === -1) {
          prov.set([k, list.length], { layer, path: [k, li] });
          list.push(structuredClone(item));
        } else mergeItem(list, at, item as Obj, k, prov, layer, [k, li], [k, at]);
      });
      target[k] = list;
    } else {
      target[k] = structuredClone(v);
      prov.set([k], { layer, path: [k] });
    }
  }
}

/** A problem with the local layer: its path inside that file, and a sentence. */
export interface LayerProblem {
  path: YamlPath;
  message: string;
  atKey?: boolean;
}

/** What linkup.local.yaml may set about a service: the side that runs on this machine. */
export const LOCAL_SERVICE_KEYS: readonly string[] = ["name", "local", "directory", "health"];
/** What it may set under `linkup`: where this person reaches the worker. */
export const LOCAL_LINKUP_KEYS: readonly string[] = ["worker_url", "worker_token"];
// Every other key the schema knows is shared (a key added to the schema later is shared until
// listed above); a key the schema does not know is left for the schema to report as unknown.
const SERVICE_KEYS = Object.keys(configSchema.properties.services.items.properties);
const LINKUP_KEYS = Object.keys(configSchema.properties.linkup.properties);
const isSharedServiceKey = (k: string) => SERVICE_KEYS.includes(k) && !LOCAL_SERVICE_KEYS.includes(k);
const isSharedLinkupKey = (k: string) => LINKUP_KEYS.includes(k) && !LOCAL_LINKUP_KEYS.includes(k);

export interface LocalMergeResult {
  /** Problems, with paths inside the local file. */
  problems: LayerProblem[];
  /** Indices (in the merged sessions list) of sessions the local layer declared or changed. */
  personalSessions: number[];
}

/**
 * Merges the local layer onto `target` (the merged team layers, in place), refusing what the team
 * shares. `localName` is the file's name for messages (linkup.local.yaml).
 */
export function mergeLocalLayer(target: Obj, layerValue: unknown, layer: number, prov: Provenance, names: { local: string; team: string }): LocalMergeResult {
  const problems: LayerProblem[] = [];
  const personalSessions: number[] = [];
  if (layerValue === null || layerValue === undefined) return { problems, personalSessions };
  if (!isObject(layerValue)) {
    problems.push({ path: [], message: `${names.local} must be a YAML mapping` });
    return { problems, personalSessions };
  }
  const shared = (path: YamlPath, what: string) =>
    problems.push({ path, atKey: true, message: `${what} is shared by the team: change it in ${names.team}, not in ${names.local}` });

  for (const [k, v] of Object.entries(layerValue)) {
    // `sessions:` with nothing under it adds nothing; it must not wipe what the team declares.
    if (v === null && (k === "linkup" || k === "services" || k === "sessions")) continue;
    if (k === "linkup" && isObject(v)) {
      const merged: Obj = isObject(target.linkup) ? { ...target.linkup } : {};
      for (const [sk, sv] of Object.entries(v)) {
        if (isSharedLinkupKey(sk)) {
          shared([k, sk], `linkup.${sk}`);
          continue;
        }
        merged[sk] = structuredClone(sv);
        prov.set([k, sk], { layer, path: [k, sk] });
      }
      target.linkup = merged;
    } else if (k === "domains") {
      shared([k], "domains");
    } else if (k === "services" && Array.isArray(v)) {
      const list = Array.isArray(target.services) ? [...target.services] : [];
      v.forEach((item, li) => {
        if (!isObject(item) || typeof item.name !== "string") {
          problems.push({ path: [k, li], message: `each service here needs the name of a service ${names.team} declares` });
          return;
        }
        const at = match(list, list.length, item, "name");
        if (at === -1) {
          problems.push({
            path: [k, li, "name"],
            message: `unknown service "${item.name}": ${names.local} can only change services ${names.team} declares`,
          });
          return;
        }
        const allowed: Obj = {};
        for (const [sk, sv] of Object.entries(item)) {
          if (isSharedServiceKey(sk)) shared([k, li, sk], `services[${item.name}].${sk}`);
          else allowed[sk] = sv;
        }
        mergeItem(list, at, allowed, k, prov, layer, [k, li], [k, at]);
      });
      target.services = list;
    } else if (k === "sessions" && Array.isArray(v)) {
      const list = Array.isArray(target.sessions) ? [...target.sessions] : [];
      const teamCount = list.length;
      v.forEach((item, li) => {
        const at = match(list, teamCount, item, "name");
        if (at !== -1 && isObject(item) && item.name !== undefined) {
          problems.push({
            path: [k, li, "name"],
            message: `session "${String(item.name)}" is shared (declared in ${names.team}); ${names.local} may only declare your own sessions (leave out the name to change your personal session)`,
          });
          return;
        }
        if (at === -1) {
          prov.set([k, list.length], { layer, path: [k, li] });
          personalSessions.push(list.length);
          list.push(structuredClone(item));
        } else {
          mergeItem(list, at, item as Obj, k, prov, layer, [k, li], [k, at]);
          personalSessions.push(at);
        }
      });
      target.sessions = list;
    } else {
      // Anything else (a key of the wrong shape, an unknown key) is set so the schema reports it
      // at its place in the local file.
      target[k] = structuredClone(v);
      prov.set([k], { layer, path: [k] });
    }
  }
  return { problems, personalSessions };
}

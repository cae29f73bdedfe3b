// Whose sessions are whose. Every session `apply` writes records the config identity
// (`managed_by`); a personal session also records its person (`owner`). From that alone (never
// from names) this decides which live sessions a config no longer declares are this person's to
// prune, and which declared sessions would take over someone else's personal session. Pure, so
// the offline review diff (base file vs changed file) can use it as well as `diff` and `apply`.

export interface Ownership {
  /** The config identity; null for imperative commands, which never prune. */
  identity: string | null;
  /** This person's owner id; null when acting for nobody in particular. */
  owner: string | null;
}

export interface Owned {
  name: string;
  managed_by: string | null;
  owner?: string | null;
}

/** This config manages it, and it is shared or this person's own: prune may delete it. */
export function mayPrune(live: Owned, o: Ownership): boolean {
  if (o.identity === null || live.managed_by !== o.identity) return false;
  const owner = live.owner ?? null;
  return owner === null || owner === o.owner;
}

/**
 * Splits the live sessions a config manages against what it declares: `undeclared` are those it
 * no longer declares and may delete with --prune; `othersPersonal` are teammates' personal
 * sessions of the same config, which are neither undeclared nor ever pruned from here.
 */
export function declaredVsManaged<T extends Owned>(declared: Iterable<string>, live: T[], o: Ownership): { undeclared: T[]; othersPersonal: T[] } {
  const names = new Set(declared);
  const undeclared: T[] = [];
  const othersPersonal: T[] = [];
  for (const s of live) {
    if (o.identity === null || s.managed_by !== o.identity) continue;
    if (!mayPrune(s, o)) othersPersonal.push(s);
    else if (!names.has(s.name)) undeclared.push(s);
  }
  return { undeclared, othersPersonal };
}

export interface OwnerConflict {
  name: string;
  /** The owner the live copy records. */
  owner: string;
  /** The owner this apply would record (null: a shared session). */
  wanted: string | null;
}

/** Declared sessions whose live copy is someone else's personal session (writing would take it over). */
export function ownerConflicts(desired: { name: string; owner: string | null }[], live: Owned[]): OwnerConflict[] {
  const out: OwnerConflict[] = [];
  for (const d of desired) {
    const taken = live.find((s) => s.name === d.name && (s.owner ?? null) !== null && s.owner !== d.owner);
    if (taken) out.push({ name: d.name, owner: taken.owner!, wanted: d.owner });
  }
  return out;
}

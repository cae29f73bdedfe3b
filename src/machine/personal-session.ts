// The personal session's name: generated once per config (keyed by config identity) and kept in
// `<stateDir>/personal-session.json`, so a developer's URLs stay the same across restarts. Each
// teammate has their own state directory, hence their own name; the record carries their owner id
// (machine/owner.ts) so nobody else's apply or prune touches it.
//
// If that file is lost or damaged, a fresh name would leave the old personal session behind (still
// routed, still holding a tunnel) and change the developer's URLs. So before minting a name, the
// sessions this config already manages on this machine's local server are asked: a session there
// owned by this person that the config does not name is the earlier personal session, and its
// name is taken back. A
// damaged file is kept beside as `personal-session.json.corrupt-<time>` (it may hold other configs'
// names), never silently overwritten.
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";
import { generateSessionName } from "../core/session-name.js";

export const PERSONAL_SESSION_FILE = STATE_FILES.personalSession;

type Remembered = Record<string, string>;

/**
 * The key a personal session name is remembered under: the config identity for the person the
 * state directory belongs to; identity@owner when --owner or LINKUP_OWNER names someone else
 * (CI sharing a state directory), so two owners never share one name.
 */
export function personalKey(identity: string, owner: { id: string; source: "flag" | "env" | "state" }): string {
  return owner.source === "state" ? identity : `${identity}@${owner.id}`;
}

type ReadResult = { kind: "ok"; names: Remembered } | { kind: "missing" } | { kind: "corrupt"; problem: string };

function read(stateDir: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(join(stateDir, PERSONAL_SESSION_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    return { kind: "corrupt", problem: (error as Error).message };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "corrupt", problem: `not valid JSON (${(error as Error).message})` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || !Object.values(value).every((v) => typeof v === "string"))
    return { kind: "corrupt", problem: "not an object of config identities to session names" };
  return { kind: "ok", names: value as Remembered };
}

/** The remembered name, without generating one. */
export function rememberedPersonalName(stateDir: string, identity: string): string | undefined {
  const r = read(stateDir);
  return r.kind === "ok" ? r.names[identity] : undefined;
}

export interface PersonalNameSources {
  /** Whether a session of that name exists anywhere (a fresh name must be unused). */
  exists: (name: string) => boolean | Promise<boolean>;
  /**
   * Sessions on this machine's local server managed by this config that the config does not name
   * (earlier personal sessions), or undefined when the local server could not be read.
   */
  owned: string[] | undefined;
}

export interface PersonalName {
  name: string;
  /** Set when something needed telling: the file was unreadable, a name was recovered. */
  note?: string;
}

async function remember(stateDir: string, names: Remembered): Promise<void> {
  await writeFileAtomic(join(stateDir, PERSONAL_SESSION_FILE), JSON.stringify(names, null, 2) + "\n", { mode: 0o600 });
}

/**
 * The remembered name; else the earlier personal session's name recovered from the local server;
 * else a fresh adjective-animal name. The result is remembered.
 */
export async function resolvePersonalName(stateDir: string, identity: string, sources: PersonalNameSources): Promise<PersonalName> {
  const file = join(stateDir, PERSONAL_SESSION_FILE);
  const r = read(stateDir);
  if (r.kind === "ok" && r.names[identity]) return { name: r.names[identity]! };
  const known = r.kind === "ok" ? r.names : {};

  if (r.kind === "corrupt" && sources.owned === undefined) {
    // Nothing to recover from right now: use a name for this run but keep the file for the next one.
    return { name: await generateSessionName(sources.exists), note: `${file} is unreadable (${r.problem}) and the local server is not running to recover your personal session's name from; it is left as it is` };
  }

  let setAside = "";
  if (r.kind === "corrupt") {
    const kept = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(file, kept);
    setAside = `${file} was unreadable (${r.problem}) and is kept as ${kept}; `;
  }
  // Only when the memory was lost: with a readable file that never knew this config, a session it
  // manages but does not name is more likely a named one removed from the config without --prune.
  const owned = r.kind === "ok" ? [] : [...new Set(sources.owned ?? [])].sort();
  if (owned.length > 0) {
    const name = owned[0]!;
    await remember(stateDir, { ...known, [identity]: name });
    const others = owned.slice(1);
    return {
      name,
      note:
        `${setAside}your personal session's name was recovered from the sessions this config manages: ${name}` +
        (others.length > 0 ? ` (also managed by it and not in the config: ${others.join(", ")}; \`linkup apply --prune\` removes them)` : ""),
    };
  }
  const fresh = await generateSessionName(sources.exists);
  await remember(stateDir, { ...known, [identity]: fresh });
  return setAside ? { name: fresh, note: `${setAside}a new personal session name was chosen: ${fresh}` } : { name: fresh };
}

// The personal session's name: generated once per config (keyed by config identity) and kept in
// `<stateDir>/personal-session.json`, so a developer's URLs stay the same across restarts. Each
// teammate has their own state directory, hence their own name; the record carries their owner id
// (machine/owner.ts) so nobody else's apply or prune touches it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";
import { generateSessionName } from "../core/session-name.js";


type Remembered = Record<string, string>;

/**
 * The key a personal session name is remembered under: the config identity for the person the
 * state directory belongs to; identity@owner when --owner or LINKUP_OWNER names someone else
 * (CI sharing a state directory), so two owners never share one name.
 */
export function personalKey(identity: string, owner: { id: string; source: "flag" | "env" | "state" }): string {
  return owner.source === "state" ? identity : `${identity}@${owner.id}`;
}

function read(stateDir: string): Remembered {
  try {
    const v = JSON.parse(readFileSync(join(stateDir, STATE_FILES.personalSession), "utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Remembered) : {};
  } catch {
    return {};
  }
}

/** The remembered name, without generating one. */
export function rememberedPersonalName(stateDir: string, identity: string): string | undefined {
  return read(stateDir)[identity];
}

/**
 * The remembered name, or a fresh adjective-animal name (checked against `exists`, the live
 * sessions) that is then remembered.
 */
export async function resolvePersonalName(
  stateDir: string,
  identity: string,
  exists: (name: string) => boolean | Promise<boolean>,
): Promise<string> {
  const known = read(stateDir);
  const name = known[identity];
  if (name) return name;
  const fresh = await generateSessionName(exists);
  await writeFileAtomic(join(stateDir, STATE_FILES.personalSession), JSON.stringify({ ...known, [identity]: fresh }, null, 2) + "\n", {
    mode: 0o600,
  });
  return fresh;
}

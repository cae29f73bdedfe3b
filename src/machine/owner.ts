// This person's owner id (see core/owner.ts): `--owner`, else LINKUP_OWNER, else the id kept in
// `<stateDir>/owner-id`, generated on first use as `<user name>-<8 random hex>` so teammates with
// the same login name still differ and the id survives a changed hostname. Not a secret (it is
// shown in `sessions list`), but written 0600 like everything else in the state directory.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";
import { ConfigError } from "../core/errors.js";
import { ownerProblem } from "../core/owner.js";

export const OWNER_FILE = STATE_FILES.ownerId;

export interface Owner {
  id: string;
  /** Where the id came from: the flag, the environment, or the state directory. */
  source: "flag" | "env" | "state";
}

function loginName(): string {
  let name = "";
  try {
    name = userInfo().username;
  } catch {
    name = "";
  }
  const clean = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24);
  return clean || "user";
}

function check(id: string, where: string): string {
  const problem = ownerProblem(id);
  if (problem) throw new ConfigError("invalid-owner", `${where}: ${problem}`);
  return id;
}

/** The id kept in the state directory, created on first use. */
export function stateOwnerId(stateDir: string): string {
  const file = join(stateDir, OWNER_FILE);
  let stored: string | undefined;
  try {
    stored = readFileSync(file, "utf8").trim();
  } catch {
    stored = undefined;
  }
  if (stored) return check(stored, file);
  const fresh = `${loginName()}-${randomBytes(4).toString("hex")}`;
  writeFileAtomic.sync(file, fresh + "\n", { mode: 0o600 });
  return fresh;
}

/** `--owner`, else LINKUP_OWNER (settings.owner, already checked), else the id kept in the state directory. */
export function resolveOwner(stateDir: string, fromEnv: string | undefined, flag?: string): Owner {
  if (flag !== undefined) return { id: check(flag, "--owner"), source: "flag" };
  if (fromEnv !== undefined && fromEnv !== "") return { id: check(fromEnv, "LINKUP_OWNER"), source: "env" };
  return { id: stateOwnerId(stateDir), source: "state" };
}

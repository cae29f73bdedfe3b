// The per-machine admin token: `<stateDir>/admin-token`, 32 random bytes as hex, mode 0600. The
// local server creates it on first start; the CLI reads it to call the admin API. Anyone who can
// read this file can already act as the user, so it is the whole of the admin API's secret.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LinkupError } from "../core/errors.js";
import { STATE_FILES } from "../core/defaults.js";

export function adminTokenPath(stateDir: string): string {
  return join(stateDir, STATE_FILES.adminToken);
}

/** The token, or undefined when the local server has never started in this state directory. */
export function readAdminToken(stateDir: string): string | undefined {
  try {
    const token = readFileSync(adminTokenPath(stateDir), "utf8").trim();
    return token === "" ? undefined : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The existing token, or a new one. The new file is written whole under a temporary name with mode
 * 0600 and then hard-linked into place: link fails if the name exists, so two servers starting at
 * once agree on one token and nobody ever reads a half-written or world-readable file.
 */
export function loadOrCreateAdminToken(stateDir: string): string {
  const existing = readAdminToken(stateDir);
  if (existing !== undefined) return existing;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = adminTokenPath(stateDir);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  const token = readAdminToken(stateDir);
  if (token === undefined) throw new LinkupError("admin-token-empty", `${path} is empty: delete it and start the local server again.`);
  return token;
}

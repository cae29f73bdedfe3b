// Where the local side keeps its state: sessions, admin token, pid and log files, the local CA.
// `$LINKUP_HOME` wins (tests and multiple installs), else `~/.linkup`. The directory holds secrets
// (the admin token, the CA key), so it is created private to the user. Every file name in it is
// in core/defaults.ts STATE_FILES.

import { createHash } from "node:crypto";
import { mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { LinkupSettings } from "../core/settings.js";

/** The state directory path, without touching the disk. */
export function stateDirPath(settings: Pick<LinkupSettings, "home">): string {
  // A relative LINKUP_HOME would silently change meaning with the working directory; pin it now.
  return settings.home !== undefined && settings.home !== "" ? resolve(settings.home) : join(homedir(), ".linkup");
}

/** The state directory, created (mode 0700) if missing. An existing directory's mode is left alone. */
export function stateDir(settings: Pick<LinkupSettings, "home">): string {
  const dir = stateDirPath(settings);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A short, stable, non-secret name for a state directory: the first 16 hex digits of the SHA-256
 * of its real path. `/linkup/check` reports it, so two Linkups can tell whether they share a state
 * directory without either revealing the path; knowing a candidate path, anyone can check it.
 */
export function stateDirId(dir: string): string {
  let path = resolve(dir);
  try {
    path = realpathSync(path);
  } catch {
    // Not created yet: the resolved path is what it will be.
  }
  return createHash("sha256").update(path).digest("hex").slice(0, 16);
}

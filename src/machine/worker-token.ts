// The embedded worker's API token, kept in the state directory (mode 0600).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";

export function workerTokenPath(stateDir: string): string {
  return join(stateDir, STATE_FILES.workerToken);
}

/** The token the CLI wrote, or undefined (the local server reads it to host the embedded worker). */
export function readWorkerToken(stateDir: string): string | undefined {
  try {
    return readFileSync(workerTokenPath(stateDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The embedded worker's token: generated once, kept in `<stateDir>/worker-token` (0600). */
export function embeddedWorkerToken(stateDir: string): string {
  const file = workerTokenPath(stateDir);
  const existing = readWorkerToken(stateDir);
  if (existing) return existing;
  const token = randomBytes(32).toString("base64url");
  writeFileAtomic.sync(file, token + "\n", { mode: 0o600 });
  return token;
}

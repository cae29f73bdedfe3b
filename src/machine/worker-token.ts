// The embedded worker's API token, kept in the state directory (mode 0600).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";

export const WORKER_TOKEN_FILE = STATE_FILES.workerToken;

/** The embedded worker's token: generated once, kept in `<stateDir>/worker-token` (0600). */
export function embeddedWorkerToken(stateDir: string): string {
  const file = join(stateDir, WORKER_TOKEN_FILE);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing) return existing;
  } catch {
    // not created yet
  }
  const token = randomBytes(32).toString("base64url");
  writeFileAtomic.sync(file, token + "\n", { mode: 0o600 });
  return token;
}

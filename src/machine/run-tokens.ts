// Cloudflare tunnel run tokens on this machine: `<stateDir>/tunnel-tokens/<session>`, mode 0600.
// The worker hands a token out when it provisions a tunnel; keeping it lets a later `apply`
// reconnect cloudflared (e.g. after `linkup stop`) without asking the worker again.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";

function tokenFile(stateDir: string, session: string): string {
  return join(stateDir, STATE_FILES.tunnelTokens, session);
}

/** Stores a Cloudflare tunnel's connector token (0600) for the local daemon to run cloudflared with. */
export async function storeRunToken(stateDir: string, session: string, token: string): Promise<void> {
  await mkdir(join(stateDir, STATE_FILES.tunnelTokens), { recursive: true, mode: 0o700 });
  await writeFileAtomic(tokenFile(stateDir, session), token + "\n", { mode: 0o600 });
}

/** The stored token, or undefined when this machine never received one for the session. */
export async function readRunToken(stateDir: string, session: string): Promise<string | undefined> {
  try {
    return (await readFile(tokenFile(stateDir, session), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

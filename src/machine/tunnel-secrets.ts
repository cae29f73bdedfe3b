// Tunnel signing secrets on this machine: `<stateDir>/tunnel-secrets/<session>`, mode 0600 in a
// 0700 directory, written atomically (temp + rename). The worker hands a tunnel's secret to the
// CLI with the tunnel (POST /sessions/:name/tunnel); the CLI stores it here, and the local
// server's tunnel listener reads it to check the worker's signature on every tunneled request.
// Never printed or logged.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { isDnsLabel } from "../core/session-name.js";
import { isTunnelSecret } from "../core/tunnel-signature.js";

export const TUNNEL_SECRETS_DIR = "tunnel-secrets";

export function tunnelSecretsDir(stateDir: string): string {
  return join(stateDir, TUNNEL_SECRETS_DIR);
}

function secretFile(stateDir: string, session: string): string {
  // Session names are DNS labels, so a name can never leave the directory.
  if (!isDnsLabel(session)) throw new Error(`invalid session name for a tunnel secret: ${JSON.stringify(session.slice(0, 80))}`);
  return join(tunnelSecretsDir(stateDir), session);
}

/** Stores (or replaces, when the tunnel was re-provisioned) the session's tunnel secret. */
export async function storeTunnelSecret(stateDir: string, session: string, secret: string): Promise<void> {
  if (!isTunnelSecret(secret)) throw new Error("the worker sent a tunnel secret of the wrong form");
  await mkdir(tunnelSecretsDir(stateDir), { recursive: true, mode: 0o700 });
  await writeFileAtomic(secretFile(stateDir, session), secret + "\n", { mode: 0o600 });
}

/** The stored secret, or undefined when this machine has none for the session. */
export async function readTunnelSecret(stateDir: string, session: string): Promise<string | undefined> {
  try {
    const value = (await readFile(secretFile(stateDir, session), "utf8")).trim();
    return isTunnelSecret(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

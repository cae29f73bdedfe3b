// Tunnel signing secrets on this machine: `<stateDir>/tunnel-secrets/<session>`, mode 0600 in a
// 0700 directory, written atomically (temp + rename). The worker hands a tunnel's secret to the
// CLI with the tunnel (POST /sessions/:name/tunnel); the CLI stores it here, and the local
// server's tunnel listener reads it to check the worker's signature on every tunneled request.
// Never printed or logged.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { TunnelStart } from "../core/api.js";
import { STATE_FILES } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";
import { isDnsLabel } from "../core/session-name.js";
import { isTunnelSecret } from "../core/tunnel-signature.js";
import { storeRunToken } from "./run-tokens.js";

export function tunnelSecretsDir(stateDir: string): string {
  return join(stateDir, STATE_FILES.tunnelSecrets);
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

/**
 * Keeps what the worker handed out with a tunnel: the signing secret (for the local server's
 * tunnel listener) and, for Cloudflare tunnels, cloudflared's run token. Both 0600, never printed.
 */
export async function keepTunnelStart(stateDir: string, session: string, started: TunnelStart): Promise<void> {
  if (!started.tunnel_secret)
    throw new LinkupError("worker-too-old", `the worker handed out the tunnel of session ${session} without a signing secret, so the local server would refuse its requests`, {
      hint: "redeploy the worker with this Linkup version (`linkup infra deploy`)",
    });
  await storeTunnelSecret(stateDir, session, started.tunnel_secret);
  if (started.run_token) await storeRunToken(stateDir, session, started.run_token);
}

// The tunnel listener's keys: one signer per session whose tunnel secret the CLI stored in the
// state directory (src/machine/tunnel-secrets.ts). refresh() costs one stat of the directory and
// rereads the files only when the directory changed (the CLI writes by rename, which changes it),
// so the listener can call it on every request: new, rotated and removed secrets count at once,
// and forged requests cannot make it reread files over and over.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDnsLabel } from "../../core/session-name.js";
import { isTunnelSecret, tunnelSigner, type TunnelSigner } from "../../core/tunnel-signature.js";
import { tunnelSecretsDir } from "../../machine/tunnel-secrets.js";

export interface TunnelKeyRing {
  signer(session: string): TunnelSigner | undefined;
  /** Rereads the directory if it changed; true when it did. */
  refresh(): boolean;
  /**
   * Rereads the files even though the directory looks unchanged (a filesystem with coarse
   * timestamps can hide a second write within the same tick), at most once a second.
   */
  reload(): boolean;
  readonly size: number;
}

export function tunnelKeyRing(stateDir: string): TunnelKeyRing {
  const dir = tunnelSecretsDir(stateDir);
  const keys = new Map<string, { secret: string; signer: TunnelSigner }>();
  let stamp: string | undefined;

  function dirStamp(): string {
    try {
      const s = statSync(dir, { bigint: true });
      return `${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch {
      return "absent";
    }
  }

  function load(): void {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    const seen = new Set<string>();
    for (const name of names) {
      if (!isDnsLabel(name)) continue; // temp files of an atomic write in progress, strays
      let secret: string;
      try {
        secret = readFileSync(join(dir, name), "utf8").trim();
      } catch {
        continue;
      }
      if (!isTunnelSecret(secret)) continue;
      seen.add(name);
      if (keys.get(name)?.secret !== secret) keys.set(name, { secret, signer: tunnelSigner(secret) });
    }
    for (const name of [...keys.keys()]) if (!seen.has(name)) keys.delete(name);
  }

  stamp = dirStamp();
  load();
  let lastForced = -Infinity;
  return {
    signer: (session) => keys.get(session)?.signer,
    refresh() {
      const now = dirStamp();
      if (now === stamp) return false;
      stamp = now;
      load();
      return true;
    },
    reload() {
      const t = Date.now();
      if (t - lastForced < 1_000) return false;
      lastForced = t;
      stamp = dirStamp();
      load();
      return true;
    },
    get size() {
      return keys.size;
    },
  };
}

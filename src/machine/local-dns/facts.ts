// What `local-dns install` needs to know about this machine before planning: which tool can
// redirect ports 80/443, whether NSS's certutil exists and which NSS databases (Firefox profiles,
// Chromium's ~/.pki/nssdb on Linux) the user has. Read-only: nothing here changes the system.
import { existsSync, readdirSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { LocalDnsPlatform, PortRedirectTool } from "./install.js";

/** Where sbin tools live even when the user's PATH leaves them out (nft, iptables). */
const SBIN = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/** Absolute path of an executable on PATH (then in `extraDirs`), or null. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = []): string | null {
  const dirs = [...(env.PATH ?? "").split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Linux: nftables if present, else iptables; macOS: pf (always there). */
export function detectRedirectTool(platform: LocalDnsPlatform, env: NodeJS.ProcessEnv = process.env): PortRedirectTool | null {
  if (platform === "darwin") return { kind: "pf" };
  const nft = findExecutable("nft", env, SBIN);
  if (nft) return { kind: "nft", path: nft };
  const iptables = findExecutable("iptables", env, SBIN);
  return iptables ? { kind: "iptables", path: iptables } : null;
}

function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/**
 * The user's NSS databases, where mkcert looks for them: Chromium's shared database on Linux
 * (~/.pki/nssdb, also the snap's), and every Firefox profile. `sql:` for cert9.db, `dbm:` for the
 * legacy cert8.db, as certutil's -d expects.
 */
export function nssDatabases(platform: LocalDnsPlatform, home: string): string[] {
  const dirs =
    platform === "darwin"
      ? profilesIn(join(home, "Library/Application Support/Firefox/Profiles"))
      : [
          join(home, ".pki/nssdb"),
          join(home, "snap/chromium/current/.pki/nssdb"),
          ...profilesIn(join(home, ".mozilla/firefox")),
          ...profilesIn(join(home, "snap/firefox/common/.mozilla/firefox")),
        ];
  const out: string[] = [];
  for (const dir of dirs) {
    if (existsSync(join(dir, "cert9.db"))) out.push(`sql:${dir}`);
    else if (existsSync(join(dir, "cert8.db"))) out.push(`dbm:${dir}`);
  }
  return out;
}

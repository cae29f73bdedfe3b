// The `linkup local-dns install|uninstall|status` operations the CLI calls: gather the facts
// (platform, CA, systemd-resolved, the previous record), plan with the pure planners, then either
// describe the plan (dry run) or hand it to the executor. The CLI only parses flags and prints.

import { X509Certificate } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { DEFAULT_PORTS } from "../../core/defaults.js";
import { LinkupError } from "../../core/errors.js";
import { caPaths, loadCa, loadOrCreateCa } from "../ca.js";
import { describeSteps, executeInstall, executeUninstall, readLocalDnsRecord, recordPath, type CommandRunner } from "./execute.js";
import { homedir } from "node:os";
import { detectRedirectTool, findExecutable, nssDatabases } from "./facts.js";
import {
  normaliseDomains,
  planLocalDnsInstall,
  planLocalDnsUninstall,
  type LocalDnsPlatform,
  type LocalDnsStep,
  type NssTrust,
  type PortRedirectTool,
} from "./install.js";

export interface LocalDnsCommonOptions {
  dryRun?: boolean;
  /** Defaults to the running OS; tests inject it. */
  platform?: string;
  stateDir: string;
  /** Prefix for system paths; tests use a temp dir so nothing touches /etc. */
  root?: string;
  runner?: CommandRunner;
  useSudo?: boolean;
}

export interface LocalDnsInstallOptions extends LocalDnsCommonOptions {
  domains: string[];
  dnsPort?: number;
  /** The local server's HTTP and HTTPS ports, where 80 and 443 are redirected (defaults 8790, 8443). */
  httpPort?: number;
  httpsPort?: number;
  /** Linux only; detected from /run/systemd/resolve when omitted. */
  resolvedAvailable?: boolean;
  /** How ports are redirected; detected when omitted (Linux: nft, else iptables; macOS: pf). */
  redirectTool?: PortRedirectTool | null;
  /** certutil and the NSS databases to trust the CA in; detected when omitted, null skips NSS. */
  nss?: { certutil: string; databases: string[] } | null;
  /** Home directory to look for NSS databases in (default: os.homedir()). */
  home?: string;
  /** Environment whose PATH is searched for nft, iptables and certutil (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface LocalDnsResult {
  dryRun: boolean;
  steps: LocalDnsStep[];
  /** The human-readable plan (for a dry run: everything that would change). */
  description: string;
  warnings: string[];
}

export interface LocalDnsStatus {
  installed: boolean;
  domains: string[];
  platform: LocalDnsPlatform | null;
  installedAt: string | null;
  recordPath: string;
}

function toPlatform(platform: string): LocalDnsPlatform {
  if (platform === "darwin" || platform === "linux") return platform;
  throw new LinkupError("LOCAL_DNS_UNSUPPORTED_PLATFORM", `Local DNS is supported on macOS and Linux, not on ${platform}.`, {
    hint: "Use the tunnel URL instead, or map the session hosts to 127.0.0.1 in your hosts file.",
  });
}

function detectResolved(): boolean {
  // systemd-resolved creates this while it runs; resolv.conf may point elsewhere and still work.
  return existsSync("/run/systemd/resolve/stub-resolv.conf") || existsSync("/run/systemd/resolve/resolv.conf");
}

function sha1Hex(pem: string): string {
  return new X509Certificate(pem).fingerprint.replaceAll(":", "");
}

export async function localDnsInstall(options: LocalDnsInstallOptions): Promise<LocalDnsResult> {
  const platform = toPlatform(options.platform ?? process.platform);
  const dir = options.stateDir;
  const dryRun = options.dryRun ?? false;
  const previous = readLocalDnsRecord(dir);
  const resolvedAvailable = options.resolvedAvailable ?? (platform === "linux" ? detectResolved() : false);
  // Unless told otherwise, keep the port an earlier install pointed the resolver at.
  const dnsPort = options.dnsPort ?? previous?.dnsPort ?? DEFAULT_PORTS.dns;

  // A dry run must not even create the CA: plan against where it would be.
  const existingCa = loadCa(dir);
  const ca = dryRun ? existingCa : await loadOrCreateCa(dir);
  const caCertPath = ca?.certPath ?? caPaths(dir).certPath;
  const caCertPem = ca?.certPem ?? "-----BEGIN CERTIFICATE-----\n(created on install)\n-----END CERTIFICATE-----\n";

  const httpPort = options.httpPort ?? DEFAULT_PORTS.proxy;
  const httpsPort = options.httpsPort ?? DEFAULT_PORTS.https;
  const tool = options.redirectTool !== undefined ? options.redirectTool : detectRedirectTool(platform, options.env);
  if (tool === null)
    throw new LinkupError("LOCAL_DNS_NO_PORT_REDIRECT", "Neither nft nor iptables was found, so ports 80 and 443 cannot be sent to the Linkup local server.", {
      hint: `Install nftables (e.g. \`apt-get install nftables\`) and run \`linkup local-dns install\` again; until then use https://<session>.<domain>:${httpsPort}/.`,
    });

  const notes: string[] = [];
  const home = options.home ?? homedir();
  let nss: NssTrust | null = null;
  if (options.nss !== undefined) {
    if (options.nss) nss = { ...options.nss, nickname: nssNickname(ca?.certPem) };
  } else {
    const databases = nssDatabases(platform, home);
    const certutil = findExecutable("certutil", options.env);
    if (databases.length > 0 && certutil) nss = { certutil, databases, nickname: nssNickname(ca?.certPem) };
    else if (databases.length > 0)
      notes.push(
        `certutil not found: Firefox (and Chromium on Linux) will not trust the local CA. Install NSS tools (libnss3-tools on Debian/Ubuntu, nss-tools on Fedora, \`brew install nss\` on macOS) and run install again, or import ${caCertPath} by hand.`,
      );
  }

  const steps = planLocalDnsInstall({
    platform,
    domains: options.domains,
    stateDir: dir,
    caCertPath,
    caCertPem,
    resolvedAvailable,
    dnsPort,
    previous,
    portRedirect: { tool, httpPort, httpsPort },
    nss,
  });
  const preface = existingCa === null ? [`would create the local CA "Linkup Local CA" in ${caPaths(dir).dir} (key mode 0600)`] : [];
  const description = [...preface, describeSteps(steps), `would record what was done in ${recordPath(dir)}`, ...notes.map((n) => `note: ${n}`)].join("\n");
  if (dryRun) return { dryRun, steps, description, warnings: notes };

  const { warnings } = await executeInstall(steps, {
    stateDir: dir,
    root: options.root,
    runner: options.runner,
    useSudo: options.useSudo,
    record: {
      platform,
      domains: normaliseDomains(options.domains),
      dnsPort,
      httpPort,
      httpsPort,
      caCertPath,
      caSha1: sha1Hex(ca!.certPem),
      caCreated: ca!.created,
    },
  });
  return { dryRun, steps, description, warnings: [...notes, ...warnings] };
}

/** The CA's name in NSS databases: unique per CA, so two Linkup state directories do not collide. */
function nssNickname(certPem: string | undefined): string {
  return certPem ? `Linkup Local CA ${sha1Hex(certPem).slice(0, 8).toLowerCase()}` : "Linkup Local CA (new)";
}

export async function localDnsUninstall(options: LocalDnsCommonOptions): Promise<LocalDnsResult> {
  const dir = options.stateDir;
  const dryRun = options.dryRun ?? false;
  const record = readLocalDnsRecord(dir);
  if (record === null) {
    return { dryRun, steps: [], description: `nothing to uninstall: no record of an install in ${recordPath(dir)}`, warnings: [] };
  }
  // The record says which system it was made on; refuse to undo a macOS record on Linux.
  const platform = toPlatform(options.platform ?? process.platform);
  if (platform !== record.platform) {
    throw new LinkupError("LOCAL_DNS_PLATFORM_MISMATCH", `The local DNS record in ${recordPath(dir)} was made on ${record.platform}, not ${platform}.`);
  }
  const steps = planLocalDnsUninstall(record);
  const caDir = caPaths(dir).dir;
  const lines = [describeSteps(steps)];
  if (record.caCreated) lines.push(`would remove the local CA in ${caDir} (created by install)`);
  lines.push(`would remove ${recordPath(dir)}`);
  const description = lines.join("\n");
  if (dryRun) return { dryRun, steps, description, warnings: [] };

  const { warnings } = await executeUninstall(steps, { stateDir: dir, root: options.root, runner: options.runner, useSudo: options.useSudo });
  // Only now, with the system no longer trusting it, is the CA's key safe to drop.
  if (record.caCreated) rmSync(caDir, { recursive: true, force: true });
  return { dryRun, steps, description, warnings };
}

export function localDnsStatus(stateDir: string): LocalDnsStatus {
  const record = readLocalDnsRecord(stateDir);
  return {
    installed: record !== null && record.files.length > 0,
    domains: record?.domains ?? [],
    platform: record?.platform ?? null,
    installedAt: record?.installedAt ?? null,
    recordPath: recordPath(stateDir),
  };
}

// The `linkup local-dns install|uninstall|status` operations the CLI calls: gather the facts
// (platform, CA, systemd-resolved, the previous record), plan with the pure planners, then either
// describe the plan (dry run) or hand it to the executor. The CLI only parses flags and prints.

import { X509Certificate } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { DEFAULT_PORTS } from "../../core/defaults.js";
import { LinkupError } from "../../core/errors.js";
import { caPaths, loadCa, loadOrCreateCa } from "../ca.js";
import { describeSteps, executeInstall, executeUninstall, readLocalDnsRecord, recordPath, type CommandRunner } from "./execute.js";
import { normaliseDomains, planLocalDnsInstall, planLocalDnsUninstall, type LocalDnsPlatform, type LocalDnsStep } from "./install.js";

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
  /** Linux only; detected from /run/systemd/resolve when omitted. */
  resolvedAvailable?: boolean;
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
  const dnsPort = options.dnsPort ?? DEFAULT_PORTS.dns;

  // A dry run must not even create the CA: plan against where it would be.
  const existingCa = loadCa(dir);
  const ca = dryRun ? existingCa : await loadOrCreateCa(dir);
  const caCertPath = ca?.certPath ?? caPaths(dir).certPath;
  const caCertPem = ca?.certPem ?? "-----BEGIN CERTIFICATE-----\n(created on install)\n-----END CERTIFICATE-----\n";

  const steps = planLocalDnsInstall({ platform, domains: options.domains, stateDir: dir, caCertPath, caCertPem, resolvedAvailable, dnsPort, previous });
  const preface = existingCa === null ? [`would create the local CA "Linkup Local CA" in ${caPaths(dir).dir} (key mode 0600)`] : [];
  const description = [...preface, describeSteps(steps), `would record what was done in ${recordPath(dir)}`].join("\n");
  if (dryRun) return { dryRun, steps, description, warnings: [] };

  const { warnings } = await executeInstall(steps, {
    stateDir: dir,
    root: options.root,
    runner: options.runner,
    useSudo: options.useSudo,
    record: {
      platform,
      domains: normaliseDomains(options.domains),
      dnsPort,
      caCertPath,
      caSha1: sha1Hex(ca!.certPem),
      caCreated: ca!.created,
    },
  });
  return { dryRun, steps, description, warnings };
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

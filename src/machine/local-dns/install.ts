// Pure planners for `linkup local-dns install|uninstall`: what to write, remove and run so the OS
// sends DNS queries for the configured domains to the local DNS server and trusts the local CA.
// No I/O here: the executor (execute.ts) is the only code that changes the system, and dry-run is
// simply "plan, describe, stop". Uninstall plans from the record of what install actually did
// (`<stateDir>/local-dns.json`), never from the current config, so it removes exactly that.

import { ConfigError, LinkupError } from "../../core/errors.js";
import { DEFAULT_PORTS } from "../../core/defaults.js";

export type LocalDnsPlatform = "darwin" | "linux";

export type LocalDnsStep =
  | { kind: "write-file"; path: string; content: string; mode?: number }
  | { kind: "remove-file"; path: string }
  /** `optional`: a failure is reported as a warning (cache flushes of a daemon that may not run). */
  | { kind: "run"; command: string[]; optional?: boolean };

/** What install changed on the system; written by the executor, read by the uninstall planner. */
export interface LocalDnsRecord {
  version: 1;
  platform: LocalDnsPlatform;
  domains: string[];
  dnsPort: number;
  /** System files install wrote (absolute paths, as planned). */
  files: string[];
  /** Commands install ran successfully. */
  commands: string[][];
  caCertPath: string;
  /** SHA-1 of the CA certificate (hex, no colons): how the macOS keychain names it for removal. */
  caSha1: string;
  /** True when install generated the CA, so uninstall deletes it too. */
  caCreated: boolean;
  installedAt: string;
}

export interface LocalDnsInstallInput {
  platform: LocalDnsPlatform;
  domains: string[];
  stateDir: string;
  caCertPath: string;
  /** Needed on Linux, where the certificate is copied into the trust store's directory. */
  caCertPem?: string;
  resolvedAvailable: boolean;
  dnsPort?: number;
  /** The record of an earlier install: files it wrote that this plan no longer needs are removed. */
  previous?: LocalDnsRecord | null;
}

export const MACOS_RESOLVER_DIR = "/etc/resolver";
export const MACOS_SYSTEM_KEYCHAIN = "/Library/Keychains/System.keychain";
export const RESOLVED_DROP_IN = "/etc/systemd/resolved.conf.d/linkup.conf";
export const LINUX_CA_PATH = "/usr/local/share/ca-certificates/linkup-local-ca.crt";

const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

/**
 * Lowercased, sorted, deduplicated domains, dropping any inside another listed domain (one resolver
 * entry for `example.test` already covers `api.example.test`). Each must be a DNS name: these
 * strings become file names under /etc, written as root.
 */
export function normaliseDomains(domains: readonly string[]): string[] {
  const names = new Set<string>();
  for (const raw of domains) {
    const name = raw.trim().toLowerCase().replace(/\.$/, "");
    if (name.length === 0 || name.length > 253 || !name.split(".").every((label) => DNS_LABEL.test(label))) {
      throw new ConfigError("LOCAL_DNS_BAD_DOMAIN", `"${raw}" is not a valid domain name for local DNS.`, {
        hint: "Use plain DNS names such as example.test in the config's domains.",
      });
    }
    names.add(name);
  }
  const sorted = [...names].sort();
  return sorted.filter((name) => !sorted.some((other) => other !== name && name.endsWith(`.${other}`)));
}

function resolverFile(domain: string): string {
  return `${MACOS_RESOLVER_DIR}/${domain}`;
}

function macosFlush(): LocalDnsStep[] {
  return [
    { kind: "run", command: ["dscacheutil", "-flushcache"], optional: true },
    { kind: "run", command: ["killall", "-HUP", "mDNSResponder"], optional: true },
  ];
}

function staleRemovals(previous: LocalDnsRecord | null | undefined, keep: readonly LocalDnsStep[]): LocalDnsStep[] {
  if (!previous) return [];
  const written = new Set(keep.flatMap((s) => (s.kind === "write-file" ? [s.path] : [])));
  return previous.files.filter((path) => !written.has(path)).map((path) => ({ kind: "remove-file", path }));
}

export function planLocalDnsInstall(input: LocalDnsInstallInput): LocalDnsStep[] {
  const domains = normaliseDomains(input.domains);
  if (domains.length === 0) {
    throw new ConfigError("LOCAL_DNS_NO_DOMAINS", "There are no domains to route to the local DNS server.", {
      hint: "Add the session domains to linkup.yaml (domains: [{ domain: example.test, ... }]).",
    });
  }
  const port = input.dnsPort ?? DEFAULT_PORTS.dns;

  if (input.platform === "darwin") {
    const writes: LocalDnsStep[] = domains.map((domain) => ({
      kind: "write-file",
      path: resolverFile(domain),
      content: `nameserver 127.0.0.1\nport ${port}\n`,
      mode: 0o644,
    }));
    return [
      ...staleRemovals(input.previous, writes),
      ...writes,
      ...macosFlush(),
      // -d: admin (system-wide) trust settings; -r trustRoot: trusted as a root for every use.
      {
        kind: "run",
        command: ["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", MACOS_SYSTEM_KEYCHAIN, input.caCertPath],
      },
    ];
  }

  if (!input.resolvedAvailable) {
    throw new LinkupError("LOCAL_DNS_UNSUPPORTED", "Local DNS on Linux needs systemd-resolved, and it is not running here.", {
      hint:
        `Route the domains to 127.0.0.1 port ${port} yourself (dnsmasq: server=/${domains[0]}/127.0.0.1#${port}), ` +
        "or enable systemd-resolved and run `linkup local-dns install` again.",
    });
  }
  if (input.caCertPem === undefined) {
    throw new LinkupError("LOCAL_DNS_NO_CA", "Internal error: the local CA certificate is needed to plan the Linux install.");
  }
  const writes: LocalDnsStep[] = [
    {
      kind: "write-file",
      path: RESOLVED_DROP_IN,
      // `~domain` is a routing-only domain: send these names here without adding a search suffix.
      content: `[Resolve]\nDNS=127.0.0.1:${port}\nDomains=${domains.map((d) => `~${d}`).join(" ")}\n`,
      mode: 0o644,
    },
    { kind: "write-file", path: LINUX_CA_PATH, content: input.caCertPem, mode: 0o644 },
  ];
  return [
    ...staleRemovals(input.previous, writes),
    writes[0],
    // resolved reads drop-ins only at start; a restart also drops its cache.
    { kind: "run", command: ["systemctl", "restart", "systemd-resolved"] },
    writes[1],
    { kind: "run", command: ["update-ca-certificates"] },
  ];
}

function ran(record: LocalDnsRecord, program: string, sub?: string): boolean {
  return record.commands.some((c) => c[0] === program && (sub === undefined || c[1] === sub));
}

/** Undo exactly what `record` says install did. An empty plan means there is nothing to undo. */
export function planLocalDnsUninstall(record: LocalDnsRecord | null): LocalDnsStep[] {
  if (record === null) return [];
  const removals: LocalDnsStep[] = [...record.files].reverse().map((path) => ({ kind: "remove-file", path }));

  if (record.platform === "darwin") {
    const steps: LocalDnsStep[] = [...removals];
    if (record.files.some((f) => f.startsWith(`${MACOS_RESOLVER_DIR}/`))) steps.push(...macosFlush());
    if (ran(record, "security", "add-trusted-cert")) {
      // add-trusted-cert both imports the certificate and sets its trust: undo both.
      steps.push({ kind: "run", command: ["security", "remove-trusted-cert", "-d", record.caCertPath], optional: true });
      steps.push({ kind: "run", command: ["security", "delete-certificate", "-Z", record.caSha1, MACOS_SYSTEM_KEYCHAIN] });
    }
    return steps;
  }

  const steps: LocalDnsStep[] = [];
  for (const step of removals) {
    steps.push(step);
    if (step.kind !== "remove-file") continue;
    if (step.path === RESOLVED_DROP_IN) steps.push({ kind: "run", command: ["systemctl", "restart", "systemd-resolved"] });
    // Without the source file, update-ca-certificates drops the CA from the bundle.
    if (step.path === LINUX_CA_PATH) steps.push({ kind: "run", command: ["update-ca-certificates", "--fresh"] });
  }
  return steps;
}

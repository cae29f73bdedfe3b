// Pure planners for `linkup local-dns install|uninstall`: what to write, remove and run so the OS
// sends DNS queries for the configured domains to the local DNS server, sends connections to
// 127.0.0.1 ports 80 and 443 to the local server's HTTP and HTTPS listeners (so
// `https://<session>.<domain>/` needs no port), and trusts the local CA (system store, plus NSS
// databases of Firefox and Chromium when certutil is present).
// No I/O here: the executor (execute.ts) is the only code that changes the system, and dry-run is
// simply "plan, describe, stop". Uninstall plans from the record of what install actually did
// (`<stateDir>/local-dns.json`), never from the current config, so it removes exactly that.

import { ConfigError, LinkupError } from "../../core/errors.js";
import { DEFAULT_PORTS } from "../../core/defaults.js";

export type LocalDnsPlatform = "darwin" | "linux";

export type LocalDnsStep =
  | { kind: "write-file"; path: string; content: string; mode?: number }
  | { kind: "remove-file"; path: string }
  /**
   * `optional`: a failure is reported as a warning (cache flushes of a daemon that may not run).
   * `asUser`: runs as the invoking user, never through sudo (the user's own NSS databases).
   */
  | { kind: "run"; command: string[]; optional?: boolean; asUser?: boolean };

/** What install changed on the system; written by the executor, read by the uninstall planner. */
export interface LocalDnsRecord {
  version: 1;
  platform: LocalDnsPlatform;
  domains: string[];
  dnsPort: number;
  /** The local server's HTTP and HTTPS ports that 80 and 443 are redirected to (absent: no redirect). */
  httpPort?: number;
  httpsPort?: number;
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
  /** Redirect 127.0.0.1:80 and :443 to these ports with this tool; null plans no redirect. */
  portRedirect?: PortRedirect | null;
  /** NSS databases to add the CA to (Firefox profiles, ~/.pki/nssdb), when certutil exists. */
  nss?: NssTrust | null;
}

/** The OS's mechanism for a port redirect: nftables or iptables (Linux, via a systemd unit), pf (macOS). */
export type PortRedirectTool = { kind: "nft"; path: string } | { kind: "iptables"; path: string } | { kind: "pf" };

export interface PortRedirect {
  tool: PortRedirectTool;
  /** The local server's HTTP proxy port (80 goes there). */
  httpPort: number;
  /** The local server's HTTPS port (443 goes there). */
  httpsPort: number;
}

export interface NssTrust {
  /** Absolute path of certutil (from NSS tools). */
  certutil: string;
  /** `sql:<dir>` (cert9.db) or `dbm:<dir>` (cert8.db), as certutil's -d takes them. */
  databases: string[];
  /** The name the CA gets in each database (uninstall removes it by this name). */
  nickname: string;
}

export const MACOS_RESOLVER_DIR = "/etc/resolver";
export const MACOS_SYSTEM_KEYCHAIN = "/Library/Keychains/System.keychain";
export const RESOLVED_DROP_IN = "/etc/systemd/resolved.conf.d/linkup.conf";
export const LINUX_CA_PATH = "/usr/local/share/ca-certificates/linkup-local-ca.crt";
export const LINUX_REDIRECT_DIR = "/etc/linkup";
export const LINUX_NFT_RULES = "/etc/linkup/port-redirect.nft";
export const LINUX_REDIRECT_UNIT_NAME = "linkup-port-redirect.service";
export const LINUX_REDIRECT_UNIT = `/etc/systemd/system/${LINUX_REDIRECT_UNIT_NAME}`;
export const MACOS_PF_ANCHOR_NAME = "com.apple/linkup";
export const MACOS_PF_ANCHOR = "/etc/pf.anchors/dev.linkup";
export const MACOS_REDIRECT_LABEL = "dev.linkup.port-redirect";
export const MACOS_REDIRECT_PLIST = `/Library/LaunchDaemons/${MACOS_REDIRECT_LABEL}.plist`;

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
    if (input.portRedirect && input.portRedirect.tool.kind !== "pf") throw new LinkupError("LOCAL_DNS_BAD_REDIRECT", "macOS redirects ports with pf, not nft or iptables.");
    const redirect = input.portRedirect ? macosRedirect(input.portRedirect) : null;
    const keep = [...writes, ...(redirect?.writes ?? [])];
    return [
      ...staleRemovals(input.previous, keep),
      ...writes,
      ...macosFlush(),
      ...(redirect?.steps ?? []),
      // -d: admin (system-wide) trust settings; -r trustRoot: trusted as a root for every use.
      {
        kind: "run",
        command: ["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", MACOS_SYSTEM_KEYCHAIN, input.caCertPath],
      },
      ...nssAdd(input.nss, input.caCertPath),
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
  if (input.portRedirect && input.portRedirect.tool.kind === "pf") throw new LinkupError("LOCAL_DNS_BAD_REDIRECT", "pf is the macOS port redirect; Linux uses nft or iptables.");
  const redirect = input.portRedirect ? linuxRedirect(input.portRedirect, Boolean(input.previous?.files.includes(LINUX_REDIRECT_UNIT))) : null;
  return [
    ...staleRemovals(input.previous, [...writes, ...(redirect?.writes ?? [])]),
    writes[0],
    // resolved reads drop-ins only at start; a restart also drops its cache.
    { kind: "run", command: ["systemctl", "restart", "systemd-resolved"] },
    ...(redirect?.steps ?? []),
    writes[1],
    { kind: "run", command: ["update-ca-certificates"] },
    ...nssAdd(input.nss, input.caCertPath),
  ];
}

/** The pf anchor and the LaunchDaemon that loads it at boot; loaded now as well. */
function macosRedirect(r: PortRedirect): { writes: LocalDnsStep[]; steps: LocalDnsStep[] } {
  const anchor: LocalDnsStep = {
    kind: "write-file",
    path: MACOS_PF_ANCHOR,
    content:
      "# Written by `linkup local-dns install`: connections to 127.0.0.1 port 80 and 443 go to the Linkup local server.\n" +
      `rdr pass on lo0 inet proto tcp from any to 127.0.0.1 port 80 -> 127.0.0.1 port ${r.httpPort}\n` +
      `rdr pass on lo0 inet proto tcp from any to 127.0.0.1 port 443 -> 127.0.0.1 port ${r.httpsPort}\n`,
    mode: 0o644,
  };
  const load = ["/sbin/pfctl", "-a", MACOS_PF_ANCHOR_NAME, "-f", MACOS_PF_ANCHOR];
  const plist: LocalDnsStep = {
    kind: "write-file",
    path: MACOS_REDIRECT_PLIST,
    content: [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
      "<dict>",
      `  <key>Label</key><string>${MACOS_REDIRECT_LABEL}</string>`,
      "  <key>ProgramArguments</key>",
      `  <array>${["/sbin/pfctl", "-E", "-a", MACOS_PF_ANCHOR_NAME, "-f", MACOS_PF_ANCHOR].map((a) => `<string>${a}</string>`).join("")}</array>`,
      "  <key>RunAtLoad</key><true/>",
      "</dict>",
      "</plist>",
      "",
    ].join("\n"),
    mode: 0o644,
  };
  return {
    writes: [anchor, plist],
    steps: [
      anchor,
      // The default /etc/pf.conf reads every com.apple/* anchor, so pf.conf itself is left alone.
      { kind: "run", command: load },
      // pf may be off; -E turns it on (keeping a reference, so other users of pf are not disturbed).
      { kind: "run", command: ["/sbin/pfctl", "-E"], optional: true },
      plist,
      // Loads the rules at every boot. Already loaded (a re-install) is fine.
      { kind: "run", command: ["launchctl", "bootstrap", "system", MACOS_REDIRECT_PLIST], optional: true },
    ],
  };
}

/** nftables rules (or iptables commands) in a systemd unit that applies them at boot and removes them when stopped. */
function linuxRedirect(r: PortRedirect, reinstall: boolean): { writes: LocalDnsStep[]; steps: LocalDnsStep[] } {
  const header = "# Written by `linkup local-dns install`: connections to 127.0.0.1 port 80 and 443 go to the Linkup local server.";
  let files: LocalDnsStep[];
  let exec: { start: string[]; stop: string[] };
  if (r.tool.kind === "nft") {
    const rules: LocalDnsStep = {
      kind: "write-file",
      path: LINUX_NFT_RULES,
      content: [
        header,
        // Create-then-delete makes loading the file replace an older table instead of adding to it.
        "table ip linkup",
        "delete table ip linkup",
        "table ip linkup {",
        "  chain output {",
        "    type nat hook output priority -100; policy accept;",
        `    ip daddr 127.0.0.1 tcp dport 80 redirect to :${r.httpPort}`,
        `    ip daddr 127.0.0.1 tcp dport 443 redirect to :${r.httpsPort}`,
        "  }",
        "}",
        "",
      ].join("\n"),
      mode: 0o644,
    };
    files = [rules];
    exec = { start: [`${r.tool.path} -f ${LINUX_NFT_RULES}`], stop: [`${r.tool.path} delete table ip linkup`] };
  } else {
    const rule = (action: "-A" | "-D", from: number, to: number) =>
      `${(r.tool as { path: string }).path} -t nat ${action} OUTPUT -o lo -p tcp -d 127.0.0.1 --dport ${from} -j REDIRECT --to-ports ${to}`;
    files = [];
    exec = {
      start: [rule("-A", 80, r.httpPort), rule("-A", 443, r.httpsPort)],
      stop: [rule("-D", 80, r.httpPort), rule("-D", 443, r.httpsPort)],
    };
  }
  const unit: LocalDnsStep = {
    kind: "write-file",
    path: LINUX_REDIRECT_UNIT,
    content: [
      header,
      "[Unit]",
      "Description=Linkup: local ports 80 and 443 to the Linkup local server",
      "After=network-pre.target",
      "",
      "[Service]",
      "Type=oneshot",
      "RemainAfterExit=yes",
      ...exec.start.map((c) => `ExecStart=${c}`),
      ...exec.stop.map((c) => `ExecStop=${c}`),
      "",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ].join("\n"),
    mode: 0o644,
  };
  return {
    writes: [...files, unit],
    steps: [
      // A re-install stops the old unit first, so its own ExecStop removes the old rules.
      ...(reinstall ? [{ kind: "run", command: ["systemctl", "disable", "--now", LINUX_REDIRECT_UNIT_NAME], optional: true } as LocalDnsStep] : []),
      ...files,
      unit,
      { kind: "run", command: ["systemctl", "daemon-reload"] },
      { kind: "run", command: ["systemctl", "enable", "--now", LINUX_REDIRECT_UNIT_NAME] },
    ],
  };
}

/** certutil -A for each NSS database, as the user who owns them (mkcert's trust flags: C,,). */
function nssAdd(nss: NssTrust | null | undefined, caCertPath: string): LocalDnsStep[] {
  if (!nss) return [];
  return nss.databases.map((db) => ({
    kind: "run",
    command: [nss.certutil, "-A", "-d", db, "-t", "C,,", "-n", nss.nickname, "-i", caCertPath],
    asUser: true,
  }));
}

function ran(record: LocalDnsRecord, program: string, sub?: string): boolean {
  return record.commands.some((c) => c[0] === program && (sub === undefined || c[1] === sub));
}

/** `certutil -D` for every database install added the CA to (read back from the recorded commands). */
function nssRemovals(record: LocalDnsRecord): LocalDnsStep[] {
  const out: LocalDnsStep[] = [];
  for (const c of record.commands) {
    const d = c.indexOf("-d");
    const n = c.indexOf("-n");
    if (c[1] !== "-A" || !/certutil$/.test(c[0] ?? "") || d === -1 || n === -1) continue;
    out.push({ kind: "run", command: [c[0]!, "-D", "-d", c[d + 1]!, "-n", c[n + 1]!], optional: true, asUser: true });
  }
  return out;
}

/** Undo exactly what `record` says install did. An empty plan means there is nothing to undo. */
export function planLocalDnsUninstall(record: LocalDnsRecord | null): LocalDnsStep[] {
  if (record === null) return [];
  const removals: LocalDnsStep[] = [...record.files].reverse().map((path) => ({ kind: "remove-file", path }));

  if (record.platform === "darwin") {
    const steps: LocalDnsStep[] = [];
    // Unload the redirect before its files go: the launchd job, then the anchor's rules.
    if (record.files.includes(MACOS_REDIRECT_PLIST))
      steps.push({ kind: "run", command: ["launchctl", "bootout", `system/${MACOS_REDIRECT_LABEL}`], optional: true });
    if (record.files.includes(MACOS_PF_ANCHOR)) steps.push({ kind: "run", command: ["/sbin/pfctl", "-a", MACOS_PF_ANCHOR_NAME, "-F", "all"], optional: true });
    steps.push(...removals);
    if (record.files.some((f) => f.startsWith(`${MACOS_RESOLVER_DIR}/`))) steps.push(...macosFlush());
    if (ran(record, "security", "add-trusted-cert")) {
      // add-trusted-cert both imports the certificate and sets its trust: undo both.
      steps.push({ kind: "run", command: ["security", "remove-trusted-cert", "-d", record.caCertPath], optional: true });
      steps.push({ kind: "run", command: ["security", "delete-certificate", "-Z", record.caSha1, MACOS_SYSTEM_KEYCHAIN] });
    }
    steps.push(...nssRemovals(record));
    return steps;
  }

  const steps: LocalDnsStep[] = [];
  // Stopping the unit runs its ExecStop, which removes the rules; only then do its files go.
  const redirectUnit = record.files.includes(LINUX_REDIRECT_UNIT);
  if (redirectUnit) steps.push({ kind: "run", command: ["systemctl", "disable", "--now", LINUX_REDIRECT_UNIT_NAME], optional: true });
  for (const step of removals) {
    steps.push(step);
    if (step.kind !== "remove-file") continue;
    if (step.path === RESOLVED_DROP_IN) steps.push({ kind: "run", command: ["systemctl", "restart", "systemd-resolved"] });
    // Without the source file, update-ca-certificates drops the CA from the bundle.
    if (step.path === LINUX_CA_PATH) steps.push({ kind: "run", command: ["update-ca-certificates", "--fresh"] });
  }
  if (redirectUnit) steps.push({ kind: "run", command: ["systemctl", "daemon-reload"] });
  steps.push(...nssRemovals(record));
  return steps;
}

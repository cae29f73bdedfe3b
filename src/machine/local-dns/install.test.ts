// The local DNS planners are pure: literal inputs in, literal steps out.
import { describe, expect, it } from "vitest";
import { normaliseDomains, planLocalDnsInstall, planLocalDnsUninstall, type LocalDnsRecord } from "./install.js";

const base = { stateDir: "/home/dev/.linkup", caCertPath: "/home/dev/.linkup/ca/linkup-ca.cert.pem", caCertPem: "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n" };

describe("normaliseDomains", () => {
  it("lowercases, sorts, dedupes and drops domains covered by another", () => {
    expect(normaliseDomains(["B.test", "example.test", "api.example.test", "b.test."])).toEqual(["b.test", "example.test"]);
  });
  it("rejects anything that is not a DNS name (these become paths under /etc)", () => {
    for (const bad of ["../../etc/passwd", "a/b", "", "a..b", "-x.test", "x y.test"]) {
      expect(() => normaliseDomains([bad])).toThrow(expect.objectContaining({ code: "LOCAL_DNS_BAD_DOMAIN" }));
    }
  });
});

describe("planLocalDnsInstall", () => {
  it("macOS: one resolver file per domain, cache flush, CA into the System keychain", () => {
    const steps = planLocalDnsInstall({ ...base, platform: "darwin", domains: ["example.test", "other.test"], resolvedAvailable: false });
    expect(steps).toEqual([
      { kind: "write-file", path: "/etc/resolver/example.test", content: "nameserver 127.0.0.1\nport 8053\n", mode: 0o644 },
      { kind: "write-file", path: "/etc/resolver/other.test", content: "nameserver 127.0.0.1\nport 8053\n", mode: 0o644 },
      { kind: "run", command: ["dscacheutil", "-flushcache"], optional: true },
      { kind: "run", command: ["killall", "-HUP", "mDNSResponder"], optional: true },
      { kind: "run", command: ["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", "/Library/Keychains/System.keychain", base.caCertPath] },
    ]);
  });

  it("Linux with systemd-resolved: drop-in routing ~domains, restart, CA into update-ca-certificates", () => {
    const steps = planLocalDnsInstall({ ...base, platform: "linux", domains: ["example.test", "other.test"], resolvedAvailable: true });
    expect(steps).toEqual([
      { kind: "write-file", path: "/etc/systemd/resolved.conf.d/linkup.conf", content: "[Resolve]\nDNS=127.0.0.1:8053\nDomains=~example.test ~other.test\n", mode: 0o644 },
      { kind: "run", command: ["systemctl", "restart", "systemd-resolved"] },
      { kind: "write-file", path: "/usr/local/share/ca-certificates/linkup-local-ca.crt", content: base.caCertPem, mode: 0o644 },
      { kind: "run", command: ["update-ca-certificates"] },
    ]);
  });

  it("Linux without systemd-resolved is a clear error", () => {
    expect(() => planLocalDnsInstall({ ...base, platform: "linux", domains: ["example.test"], resolvedAvailable: false })).toThrow(
      expect.objectContaining({ code: "LOCAL_DNS_UNSUPPORTED", message: expect.stringContaining("systemd-resolved") }),
    );
  });

  it("needs at least one domain", () => {
    expect(() => planLocalDnsInstall({ ...base, platform: "darwin", domains: [], resolvedAvailable: false })).toThrow(
      expect.objectContaining({ code: "LOCAL_DNS_NO_DOMAINS" }),
    );
  });

  it("a re-install removes resolver files of domains no longer configured", () => {
    const previous = record({ files: ["/etc/resolver/old.test", "/etc/resolver/example.test"] });
    const steps = planLocalDnsInstall({ ...base, platform: "darwin", domains: ["example.test"], resolvedAvailable: false, previous });
    expect(steps[0]).toEqual({ kind: "remove-file", path: "/etc/resolver/old.test" });
    expect(steps.filter((s) => s.kind === "remove-file")).toHaveLength(1);
  });
});

describe("port redirect and NSS", () => {
  const redirect = { httpPort: 8790, httpsPort: 8443 };
  it("Linux: the rules and the unit are written after resolved, then loaded through systemd", () => {
    const steps = planLocalDnsInstall({ ...base, platform: "linux", domains: ["example.test"], resolvedAvailable: true, portRedirect: { tool: { kind: "nft", path: "/usr/sbin/nft" }, ...redirect } });
    expect(steps.map((s) => (s.kind === "run" ? s.command.join(" ") : `${s.kind} ${s.path}`))).toEqual([
      "write-file /etc/systemd/resolved.conf.d/linkup.conf",
      "systemctl restart systemd-resolved",
      "write-file /etc/linkup/port-redirect.nft",
      "write-file /etc/systemd/system/linkup-port-redirect.service",
      "systemctl daemon-reload",
      "systemctl enable --now linkup-port-redirect.service",
      "write-file /usr/local/share/ca-certificates/linkup-local-ca.crt",
      "update-ca-certificates",
    ]);
    const nft = steps.find((s) => s.kind === "write-file" && s.path.endsWith(".nft"));
    // Loading the file replaces an older table rather than adding a second set of rules.
    expect(nft?.kind === "write-file" && nft.content).toMatch(/^table ip linkup\ndelete table ip linkup\ntable ip linkup \{/m);
  });

  it("Linux: a re-install stops the old unit first (its ExecStop removes the old rules)", () => {
    const previous = record({ platform: "linux", files: ["/etc/systemd/system/linkup-port-redirect.service", "/etc/linkup/port-redirect.nft"], commands: [] });
    const steps = planLocalDnsInstall({ ...base, platform: "linux", domains: ["example.test"], resolvedAvailable: true, previous, portRedirect: { tool: { kind: "nft", path: "/usr/sbin/nft" }, ...redirect } });
    const i = steps.findIndex((s) => s.kind === "run" && s.command.join(" ") === "systemctl disable --now linkup-port-redirect.service");
    const j = steps.findIndex((s) => s.kind === "write-file" && s.path === "/etc/systemd/system/linkup-port-redirect.service");
    expect(i).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(j);
  });

  it("each platform refuses the other's redirect tool", () => {
    expect(() => planLocalDnsInstall({ ...base, platform: "darwin", domains: ["example.test"], resolvedAvailable: false, portRedirect: { tool: { kind: "nft", path: "/usr/sbin/nft" }, ...redirect } })).toThrow(
      expect.objectContaining({ code: "LOCAL_DNS_BAD_REDIRECT" }),
    );
    expect(() => planLocalDnsInstall({ ...base, platform: "linux", domains: ["example.test"], resolvedAvailable: true, portRedirect: { tool: { kind: "pf" }, ...redirect } })).toThrow(
      expect.objectContaining({ code: "LOCAL_DNS_BAD_REDIRECT" }),
    );
  });

  it("macOS: NSS additions come last and run as the user; uninstall derives the removals from the record", () => {
    const nss = { certutil: "/opt/homebrew/bin/certutil", databases: ["sql:/Users/dev/Library/Application Support/Firefox/Profiles/x.default"], nickname: "Linkup Local CA 0123abcd" };
    const steps = planLocalDnsInstall({ ...base, platform: "darwin", domains: ["example.test"], resolvedAvailable: false, nss });
    expect(steps.at(-1)).toEqual({
      kind: "run",
      command: ["/opt/homebrew/bin/certutil", "-A", "-d", nss.databases[0], "-t", "C,,", "-n", nss.nickname, "-i", base.caCertPath],
      asUser: true,
    });
    const removal = planLocalDnsUninstall(record({ commands: [(steps.at(-1) as { command: string[] }).command] }));
    expect(removal).toContainEqual({ kind: "run", command: ["/opt/homebrew/bin/certutil", "-D", "-d", nss.databases[0], "-n", nss.nickname], optional: true, asUser: true });
  });
});

function record(overrides: Partial<LocalDnsRecord>): LocalDnsRecord {
  return {
    version: 1,
    platform: "darwin",
    domains: ["example.test"],
    dnsPort: 8053,
    files: ["/etc/resolver/example.test"],
    commands: [["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", "/Library/Keychains/System.keychain", base.caCertPath]],
    caCertPath: base.caCertPath,
    caSha1: "ABCDEF",
    caCreated: true,
    installedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

describe("planLocalDnsUninstall", () => {
  it("plans nothing without a record", () => {
    expect(planLocalDnsUninstall(null)).toEqual([]);
  });

  it("macOS: removes the recorded files, flushes, removes trust and the certificate", () => {
    expect(planLocalDnsUninstall(record({}))).toEqual([
      { kind: "remove-file", path: "/etc/resolver/example.test" },
      { kind: "run", command: ["dscacheutil", "-flushcache"], optional: true },
      { kind: "run", command: ["killall", "-HUP", "mDNSResponder"], optional: true },
      { kind: "run", command: ["security", "remove-trusted-cert", "-d", base.caCertPath], optional: true },
      { kind: "run", command: ["security", "delete-certificate", "-Z", "ABCDEF", "/Library/Keychains/System.keychain"] },
    ]);
  });

  it("macOS: does not touch the keychain if install never got that far", () => {
    const steps = planLocalDnsUninstall(record({ commands: [] }));
    expect(steps.some((s) => s.kind === "run" && s.command[0] === "security")).toBe(false);
  });

  it("Linux: removes the drop-in and the CA, restarting what reads them", () => {
    const steps = planLocalDnsUninstall(
      record({ platform: "linux", files: ["/etc/systemd/resolved.conf.d/linkup.conf", "/usr/local/share/ca-certificates/linkup-local-ca.crt"], commands: [] }),
    );
    expect(steps).toEqual([
      { kind: "remove-file", path: "/usr/local/share/ca-certificates/linkup-local-ca.crt" },
      { kind: "run", command: ["update-ca-certificates", "--fresh"] },
      { kind: "remove-file", path: "/etc/systemd/resolved.conf.d/linkup.conf" },
      { kind: "run", command: ["systemctl", "restart", "systemd-resolved"] },
    ]);
  });
});

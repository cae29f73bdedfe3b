// `local-dns install|uninstall` against a temp root directory: dry runs change nothing, and an
// install followed by an uninstall leaves the system as it was. Commands are captured, not run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeSteps, readLocalDnsRecord } from "../../src/machine/local-dns/execute.js";
import { localDnsInstall, localDnsStatus, localDnsUninstall } from "../../src/machine/local-dns/local-dns.js";

/** This machine may have neither nft nor certutil: tests name the tools instead of detecting them. */
const NFT = { kind: "nft" as const, path: "/usr/sbin/nft" };

let root: string;
let state: string;
let ran: string[][];
const runner = async (command: string[]) => {
  ran.push(command);
};

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      out.push(`${relative(dir, full)}:${entry.isDirectory() ? "d" : statSync(full).size}`);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

beforeEach(() => {
  const base = mkdtempSync(join(tmpdir(), "linkup-local-dns-"));
  root = join(base, "root");
  state = join(base, "state");
  mkdirSync(root);
  mkdirSync(state);
  ran = [];
});
afterEach(() => {
  rmSync(join(root, ".."), { recursive: true, force: true });
});

describe("dry run", () => {
  it("macOS: prints every file and command, writes nothing", async () => {
    const before = [snapshot(root), snapshot(state)];
    const result = await localDnsInstall({ nss: null, dryRun: true, platform: "darwin", domains: ["example.test", "other.test"], stateDir: state, root, runner });
    expect(result.dryRun).toBe(true);
    expect(result.description).toContain("would write /etc/resolver/example.test:\n  nameserver 127.0.0.1\n  port 8053");
    expect(result.description).toContain("would write /etc/resolver/other.test:");
    expect(result.description).toContain("would run: dscacheutil -flushcache");
    expect(result.description).toContain("would run: killall -HUP mDNSResponder");
    expect(result.description).toContain(
      `would run: security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${join(state, "ca", "linkup-ca.cert.pem")}`,
    );
    expect(result.description).toContain("would create the local CA");
    expect([snapshot(root), snapshot(state)]).toEqual(before);
    expect(ran).toEqual([]);
  });

  it("Linux: prints the resolved drop-in and the trust store commands, writes nothing", async () => {
    const before = [snapshot(root), snapshot(state)];
    const result = await localDnsInstall({ redirectTool: NFT, nss: null, dryRun: true, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner });
    expect(result.description).toContain(
      "would write /etc/systemd/resolved.conf.d/linkup.conf:\n  [Resolve]\n  DNS=127.0.0.1:8053\n  Domains=~example.test",
    );
    expect(result.description).toContain("would run: systemctl restart systemd-resolved");
    expect(result.description).toContain("would write /usr/local/share/ca-certificates/linkup-local-ca.crt:");
    expect(result.description).toContain("would run: update-ca-certificates");
    expect(result.description).toContain("would write /etc/linkup/port-redirect.nft:");
    expect(result.description).toContain("\n      ip daddr 127.0.0.1 tcp dport 443 redirect to :8443\n");
    expect(result.description).toContain("would write /etc/systemd/system/linkup-port-redirect.service:");
    expect(result.description).toContain("would run: systemctl enable --now linkup-port-redirect.service");
    expect([snapshot(root), snapshot(state)]).toEqual(before);
    expect(ran).toEqual([]);
  });

  it("uses the configured DNS, HTTP and HTTPS ports in every file it shows", async () => {
    const linux = await localDnsInstall({ redirectTool: NFT, nss: null, dryRun: true, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, dnsPort: 5353, httpPort: 8080, httpsPort: 9443 });
    expect(linux.description).toContain("  DNS=127.0.0.1:5353");
    expect(linux.description).toContain("tcp dport 80 redirect to :8080");
    expect(linux.description).toContain("tcp dport 443 redirect to :9443");
    const mac = await localDnsInstall({ nss: null, dryRun: true, platform: "darwin", domains: ["example.test"], stateDir: state, dnsPort: 5353, httpsPort: 9443 });
    expect(mac.description).toContain("would write /etc/resolver/example.test:\n  nameserver 127.0.0.1\n  port 5353");
    expect(mac.description).toContain("port 443 -> 127.0.0.1 port 9443");
    expect(mac.description).toContain("would run: /sbin/pfctl -a com.apple/linkup -f /etc/pf.anchors/dev.linkup");
  });

  it("Linux without nft or iptables: a clear error naming the port it would have to use instead", async () => {
    await expect(
      localDnsInstall({ redirectTool: null, nss: null, dryRun: true, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state }),
    ).rejects.toMatchObject({ code: "LOCAL_DNS_NO_PORT_REDIRECT", hint: expect.stringContaining(":8443") });
  });

  it("Linux without systemd-resolved: a clear error, nothing written", async () => {
    await expect(
      localDnsInstall({ redirectTool: NFT, nss: null, dryRun: true, platform: "linux", resolvedAvailable: false, domains: ["example.test"], stateDir: state, root, runner }),
    ).rejects.toMatchObject({ code: "LOCAL_DNS_UNSUPPORTED" });
    expect(snapshot(state)).toEqual([]);
  });

  it("an unsupported OS is a clear error", async () => {
    await expect(localDnsInstall({ dryRun: true, platform: "win32", domains: ["example.test"], stateDir: state })).rejects.toMatchObject({
      code: "LOCAL_DNS_UNSUPPORTED_PLATFORM",
    });
  });

  it("uninstall without a record has nothing to do", async () => {
    const result = await localDnsUninstall({ dryRun: true, platform: "darwin", stateDir: state, root, runner });
    expect(result.steps).toEqual([]);
    expect(result.description).toContain("nothing to uninstall");
  });
});

describe("round trip", () => {
  it("macOS: install writes resolver files and records them; uninstall removes exactly those", async () => {
    const rootBefore = snapshot(root);
    await localDnsInstall({ nss: null, platform: "darwin", domains: ["example.test", "api.example.test", "other.test"], stateDir: state, root, runner });

    expect(readFileSync(join(root, "etc/resolver/example.test"), "utf8")).toBe("nameserver 127.0.0.1\nport 8053\n");
    expect(existsSync(join(root, "etc/resolver/api.example.test"))).toBe(false); // covered by example.test
    expect(statSync(join(root, "etc/resolver/other.test")).mode & 0o777).toBe(0o644);
    expect(statSync(join(state, "ca", "linkup-ca.key.pem")).mode & 0o777).toBe(0o600);
    const caPath = join(state, "ca", "linkup-ca.cert.pem");
    expect(ran).toContainEqual(["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", "/Library/Keychains/System.keychain", caPath]);
    expect(localDnsStatus(state)).toMatchObject({ installed: true, domains: ["example.test", "other.test"], platform: "darwin" });
    // Ports 80/443: a pf anchor loaded now and at every boot by a LaunchDaemon.
    expect(readFileSync(join(root, "etc/pf.anchors/dev.linkup"), "utf8")).toContain(
      "rdr pass on lo0 inet proto tcp from any to 127.0.0.1 port 443 -> 127.0.0.1 port 8443\n",
    );
    expect(readFileSync(join(root, "Library/LaunchDaemons/dev.linkup.port-redirect.plist"), "utf8")).toContain("<string>/sbin/pfctl</string><string>-E</string>");
    expect(ran).toContainEqual(["/sbin/pfctl", "-a", "com.apple/linkup", "-f", "/etc/pf.anchors/dev.linkup"]);
    expect(ran).toContainEqual(["launchctl", "bootstrap", "system", "/Library/LaunchDaemons/dev.linkup.port-redirect.plist"]);
    const record = readLocalDnsRecord(state)!;
    expect(record.files.sort()).toEqual([
      "/Library/LaunchDaemons/dev.linkup.port-redirect.plist",
      "/etc/pf.anchors/dev.linkup",
      "/etc/resolver/example.test",
      "/etc/resolver/other.test",
    ]);
    expect(record).toMatchObject({ dnsPort: 8053, httpPort: 8790, httpsPort: 8443 });

    ran = [];
    const dry = await localDnsUninstall({ dryRun: true, platform: "darwin", stateDir: state, root, runner });
    expect(dry.description).toContain("would remove /etc/resolver/other.test");
    expect(ran).toEqual([]);
    expect(existsSync(join(root, "etc/resolver/other.test"))).toBe(true);

    await localDnsUninstall({ platform: "darwin", stateDir: state, root, runner });
    // The redirect is unloaded before its files go.
    expect(ran.slice(0, 2)).toEqual([
      ["launchctl", "bootout", "system/dev.linkup.port-redirect"],
      ["/sbin/pfctl", "-a", "com.apple/linkup", "-F", "all"],
    ]);
    expect(existsSync(join(root, "etc/pf.anchors/dev.linkup"))).toBe(false);
    expect(ran).toContainEqual(["security", "remove-trusted-cert", "-d", caPath]);
    expect(ran).toContainEqual(["security", "delete-certificate", "-Z", record.caSha1, "/Library/Keychains/System.keychain"]);
    expect(record.caSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(existsSync(join(root, "etc/resolver/example.test"))).toBe(false);
    expect(existsSync(join(root, "etc/resolver/other.test"))).toBe(false);
    // Directories install created stay (they may be shared); only files are ours.
    expect(snapshot(root).filter((e) => !e.endsWith(":d"))).toEqual(rootBefore);
    expect(localDnsStatus(state).installed).toBe(false);
    expect(existsSync(join(state, "ca"))).toBe(false); // the CA install created is gone too
  });

  it("leaves files it did not write alone", async () => {
    mkdirSync(join(root, "etc/resolver"), { recursive: true });
    const foreign = join(root, "etc/resolver/corp.example");
    await import("node:fs").then((fs) => fs.writeFileSync(foreign, "nameserver 10.0.0.1\n"));
    await localDnsInstall({ nss: null, platform: "darwin", domains: ["example.test"], stateDir: state, root, runner });
    await localDnsUninstall({ platform: "darwin", stateDir: state, root, runner });
    expect(readFileSync(foreign, "utf8")).toBe("nameserver 10.0.0.1\n");
  });

  it("Linux: drop-in, port redirect unit and CA copy written, then removed, with the right commands", async () => {
    await localDnsInstall({ redirectTool: NFT, nss: null, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner });
    expect(readFileSync(join(root, "etc/systemd/resolved.conf.d/linkup.conf"), "utf8")).toBe(
      "[Resolve]\nDNS=127.0.0.1:8053\nDomains=~example.test\n",
    );
    const caCopy = readFileSync(join(root, "usr/local/share/ca-certificates/linkup-local-ca.crt"), "utf8");
    expect(caCopy).toBe(readFileSync(join(state, "ca", "linkup-ca.cert.pem"), "utf8"));
    const rules = readFileSync(join(root, "etc/linkup/port-redirect.nft"), "utf8");
    expect(rules).toContain("ip daddr 127.0.0.1 tcp dport 80 redirect to :8790\n");
    expect(rules).toContain("ip daddr 127.0.0.1 tcp dport 443 redirect to :8443\n");
    const unit = readFileSync(join(root, "etc/systemd/system/linkup-port-redirect.service"), "utf8");
    expect(unit).toContain("ExecStart=/usr/sbin/nft -f /etc/linkup/port-redirect.nft\n");
    expect(unit).toContain("ExecStop=/usr/sbin/nft delete table ip linkup\n");
    expect(ran).toEqual([
      ["systemctl", "restart", "systemd-resolved"],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "linkup-port-redirect.service"],
      ["update-ca-certificates"],
    ]);

    ran = [];
    await localDnsUninstall({ platform: "linux", stateDir: state, root, runner });
    expect(existsSync(join(root, "etc/systemd/resolved.conf.d/linkup.conf"))).toBe(false);
    expect(existsSync(join(root, "usr/local/share/ca-certificates/linkup-local-ca.crt"))).toBe(false);
    expect(existsSync(join(root, "etc/systemd/system/linkup-port-redirect.service"))).toBe(false);
    expect(existsSync(join(root, "etc/linkup/port-redirect.nft"))).toBe(false);
    expect(ran).toEqual([
      ["systemctl", "disable", "--now", "linkup-port-redirect.service"],
      ["update-ca-certificates", "--fresh"],
      ["systemctl", "restart", "systemd-resolved"],
      ["systemctl", "daemon-reload"],
    ]);
    expect(readLocalDnsRecord(state)).toBeNull();
  });

  it("Linux with iptables: the unit adds the REDIRECT rules on start and deletes them on stop", async () => {
    const iptables = { kind: "iptables" as const, path: "/usr/sbin/iptables" };
    await localDnsInstall({ redirectTool: iptables, nss: null, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner, httpsPort: 9443 });
    const unit = readFileSync(join(root, "etc/systemd/system/linkup-port-redirect.service"), "utf8");
    expect(unit).toContain("ExecStart=/usr/sbin/iptables -t nat -A OUTPUT -o lo -p tcp -d 127.0.0.1 --dport 443 -j REDIRECT --to-ports 9443\n");
    expect(unit).toContain("ExecStop=/usr/sbin/iptables -t nat -D OUTPUT -o lo -p tcp -d 127.0.0.1 --dport 443 -j REDIRECT --to-ports 9443\n");
    expect(existsSync(join(root, "etc/linkup/port-redirect.nft"))).toBe(false);
    expect(readLocalDnsRecord(state)).toMatchObject({ httpsPort: 9443 });
  });

  it("NSS: certutil adds the CA to each database as the user (never through sudo), and uninstall removes it by name", async () => {
    const nss = { certutil: "/usr/bin/certutil", databases: ["sql:/home/dev/.pki/nssdb", "dbm:/home/dev/.mozilla/firefox/ab.default"] };
    await localDnsInstall({ redirectTool: NFT, nss, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner, useSudo: true });
    const caPath = join(state, "ca", "linkup-ca.cert.pem");
    const adds = ran.filter((c) => c.includes("/usr/bin/certutil"));
    expect(adds).toHaveLength(2);
    const nickname = adds[0]![adds[0]!.indexOf("-n") + 1]!;
    expect(nickname).toMatch(/^Linkup Local CA [0-9a-f]{8}$/);
    expect(adds).toEqual([
      ["/usr/bin/certutil", "-A", "-d", "sql:/home/dev/.pki/nssdb", "-t", "C,,", "-n", nickname, "-i", caPath],
      ["/usr/bin/certutil", "-A", "-d", "dbm:/home/dev/.mozilla/firefox/ab.default", "-t", "C,,", "-n", nickname, "-i", caPath],
    ]);
    // Everything else that runs is privileged.
    expect(ran.filter((c) => !c.includes("/usr/bin/certutil")).every((c) => c[0] === "sudo")).toBe(true);

    ran = [];
    await localDnsUninstall({ platform: "linux", stateDir: state, root, runner, useSudo: true });
    expect(ran.filter((c) => c.includes("/usr/bin/certutil"))).toEqual([
      ["/usr/bin/certutil", "-D", "-d", "sql:/home/dev/.pki/nssdb", "-n", nickname],
      ["/usr/bin/certutil", "-D", "-d", "dbm:/home/dev/.mozilla/firefox/ab.default", "-n", nickname],
    ]);
  });

  it("NSS: found in the home directory the way mkcert looks (cert9 as sql:, cert8 as dbm:), or a note when certutil is missing", async () => {
    const home = join(root, "..", "home");
    for (const [dir, file] of [
      [".pki/nssdb", "cert9.db"],
      [".mozilla/firefox/ab.default", "cert9.db"],
      [".mozilla/firefox/old.profile", "cert8.db"],
      [".mozilla/firefox/empty", ""],
    ] as const) {
      mkdirSync(join(home, dir), { recursive: true });
      if (file) writeFileSync(join(home, dir, file), "");
    }
    const { nssDatabases } = await import("../../src/machine/local-dns/facts.js");
    expect(nssDatabases("linux", home).sort()).toEqual([
      `dbm:${join(home, ".mozilla/firefox/old.profile")}`,
      `sql:${join(home, ".mozilla/firefox/ab.default")}`,
      `sql:${join(home, ".pki/nssdb")}`,
    ]);
    const bin = join(root, "..", "bin");
    mkdirSync(bin);
    const plan = (PATH: string) =>
      localDnsInstall({ redirectTool: NFT, dryRun: true, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, home, env: { PATH } });
    const missing = await plan(bin);
    expect(missing.steps.some((s) => s.kind === "run" && s.command[0]!.endsWith("certutil"))).toBe(false);
    expect(missing.description).toContain("note: certutil not found");
    expect(missing.warnings).toEqual([expect.stringContaining("libnss3-tools")]);

    writeFileSync(join(bin, "certutil"), "#!/bin/sh\n", { mode: 0o755 });
    const found = await plan(bin);
    expect(found.description).toContain(`would run: ${join(bin, "certutil")} -A -d sql:${join(home, ".pki/nssdb")} -t C,, -n 'Linkup Local CA (new)'`);
    expect(found.description).toContain("(as you, not root)");
    expect(found.steps.filter((s) => s.kind === "run" && s.command[0] === join(bin, "certutil"))).toHaveLength(3);
  });

  it("a failing step is reported, and what was done is still recorded for uninstall", async () => {
    const failing = async (command: string[]) => {
      ran.push(command);
      if (command[0] === "update-ca-certificates") throw new Error("boom");
    };
    await expect(
      localDnsInstall({ redirectTool: NFT, nss: null, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner: failing }),
    ).rejects.toMatchObject({ code: "LOCAL_DNS_STEP_FAILED" });
    const record = readLocalDnsRecord(state)!;
    expect(record.files.sort()).toEqual([
      "/etc/linkup/port-redirect.nft",
      "/etc/systemd/resolved.conf.d/linkup.conf",
      "/etc/systemd/system/linkup-port-redirect.service",
      "/usr/local/share/ca-certificates/linkup-local-ca.crt",
    ]);
    await localDnsUninstall({ platform: "linux", stateDir: state, root, runner });
    expect(readLocalDnsRecord(state)).toBeNull();
  });

  it("optional cache flushes only warn", async () => {
    const flaky = async (command: string[]) => {
      if (command[0] === "killall") throw new Error("No matching processes");
    };
    const result = await localDnsInstall({ nss: null, platform: "darwin", domains: ["example.test"], stateDir: state, root, runner: flaky });
    expect(result.warnings).toEqual([expect.stringContaining("killall -HUP mDNSResponder")]);
  });

  it("with sudo, privileged work goes through sudo and files are staged then renamed", async () => {
    const result = await localDnsInstall({ nss: null, dryRun: true, platform: "darwin", domains: ["example.test"], stateDir: state });
    const { executeSteps } = await import("../../src/machine/local-dns/execute.js");
    await executeSteps(result.steps.slice(0, 1), { root: "/", runner, useSudo: true });
    expect(ran).toEqual([
      ["sudo", "mkdir", "-p", "/etc/resolver"],
      ["sudo", "install", "-m", "0644", expect.stringContaining("linkup-local-dns-"), "/etc/resolver/example.test.linkup-new"],
      ["sudo", "mv", "-f", "/etc/resolver/example.test.linkup-new", "/etc/resolver/example.test"],
    ]);
  });
});

describe("describeSteps", () => {
  it("quotes arguments that need it", () => {
    expect(describeSteps([{ kind: "run", command: ["echo", "a b", "it's"] }])).toBe(`would run: echo 'a b' 'it'\\''s'`);
    expect(describeSteps([])).toBe("nothing to do");
  });
});

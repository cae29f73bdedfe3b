// `local-dns install|uninstall` against a temp root directory: dry runs change nothing, and an
// install followed by an uninstall leaves the system as it was. Commands are captured, not run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeSteps, readLocalDnsRecord } from "../../src/machine/local-dns/execute.js";
import { localDnsInstall, localDnsStatus, localDnsUninstall } from "../../src/machine/local-dns/local-dns.js";

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
    const result = await localDnsInstall({ dryRun: true, platform: "darwin", domains: ["example.test", "other.test"], stateDir: state, root, runner });
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
    const result = await localDnsInstall({ dryRun: true, platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner });
    expect(result.description).toContain(
      "would write /etc/systemd/resolved.conf.d/linkup.conf:\n  [Resolve]\n  DNS=127.0.0.1:8053\n  Domains=~example.test",
    );
    expect(result.description).toContain("would run: systemctl restart systemd-resolved");
    expect(result.description).toContain("would write /usr/local/share/ca-certificates/linkup-local-ca.crt:");
    expect(result.description).toContain("would run: update-ca-certificates");
    expect([snapshot(root), snapshot(state)]).toEqual(before);
    expect(ran).toEqual([]);
  });

  it("Linux without systemd-resolved: a clear error, nothing written", async () => {
    await expect(
      localDnsInstall({ dryRun: true, platform: "linux", resolvedAvailable: false, domains: ["example.test"], stateDir: state, root, runner }),
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
    await localDnsInstall({ platform: "darwin", domains: ["example.test", "api.example.test", "other.test"], stateDir: state, root, runner });

    expect(readFileSync(join(root, "etc/resolver/example.test"), "utf8")).toBe("nameserver 127.0.0.1\nport 8053\n");
    expect(existsSync(join(root, "etc/resolver/api.example.test"))).toBe(false); // covered by example.test
    expect(statSync(join(root, "etc/resolver/other.test")).mode & 0o777).toBe(0o644);
    expect(statSync(join(state, "ca", "linkup-ca.key.pem")).mode & 0o777).toBe(0o600);
    const caPath = join(state, "ca", "linkup-ca.cert.pem");
    expect(ran).toContainEqual(["security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", "/Library/Keychains/System.keychain", caPath]);
    expect(localDnsStatus(state)).toMatchObject({ installed: true, domains: ["example.test", "other.test"], platform: "darwin" });
    const record = readLocalDnsRecord(state)!;
    expect(record.files.sort()).toEqual(["/etc/resolver/example.test", "/etc/resolver/other.test"]);

    ran = [];
    const dry = await localDnsUninstall({ dryRun: true, platform: "darwin", stateDir: state, root, runner });
    expect(dry.description).toContain("would remove /etc/resolver/other.test");
    expect(ran).toEqual([]);
    expect(existsSync(join(root, "etc/resolver/other.test"))).toBe(true);

    await localDnsUninstall({ platform: "darwin", stateDir: state, root, runner });
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
    await localDnsInstall({ platform: "darwin", domains: ["example.test"], stateDir: state, root, runner });
    await localDnsUninstall({ platform: "darwin", stateDir: state, root, runner });
    expect(readFileSync(foreign, "utf8")).toBe("nameserver 10.0.0.1\n");
  });

  it("Linux: drop-in and CA copy written, then removed, with the right commands", async () => {
    await localDnsInstall({ platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner });
    expect(readFileSync(join(root, "etc/systemd/resolved.conf.d/linkup.conf"), "utf8")).toBe(
      "[Resolve]\nDNS=127.0.0.1:8053\nDomains=~example.test\n",
    );
    const caCopy = readFileSync(join(root, "usr/local/share/ca-certificates/linkup-local-ca.crt"), "utf8");
    expect(caCopy).toBe(readFileSync(join(state, "ca", "linkup-ca.cert.pem"), "utf8"));
    expect(ran).toEqual([["systemctl", "restart", "systemd-resolved"], ["update-ca-certificates"]]);

    ran = [];
    await localDnsUninstall({ platform: "linux", stateDir: state, root, runner });
    expect(existsSync(join(root, "etc/systemd/resolved.conf.d/linkup.conf"))).toBe(false);
    expect(existsSync(join(root, "usr/local/share/ca-certificates/linkup-local-ca.crt"))).toBe(false);
    expect(ran).toEqual([["update-ca-certificates", "--fresh"], ["systemctl", "restart", "systemd-resolved"]]);
    expect(readLocalDnsRecord(state)).toBeNull();
  });

  it("a failing step is reported, and what was done is still recorded for uninstall", async () => {
    const failing = async (command: string[]) => {
      ran.push(command);
      if (command[0] === "update-ca-certificates") throw new Error("boom");
    };
    await expect(
      localDnsInstall({ platform: "linux", resolvedAvailable: true, domains: ["example.test"], stateDir: state, root, runner: failing }),
    ).rejects.toMatchObject({ code: "LOCAL_DNS_STEP_FAILED" });
    const record = readLocalDnsRecord(state)!;
    expect(record.files.sort()).toEqual(["/etc/systemd/resolved.conf.d/linkup.conf", "/usr/local/share/ca-certificates/linkup-local-ca.crt"]);
    await localDnsUninstall({ platform: "linux", stateDir: state, root, runner });
    expect(readLocalDnsRecord(state)).toBeNull();
  });

  it("optional cache flushes only warn", async () => {
    const flaky = async (command: string[]) => {
      if (command[0] === "killall") throw new Error("No matching processes");
    };
    const result = await localDnsInstall({ platform: "darwin", domains: ["example.test"], stateDir: state, root, runner: flaky });
    expect(result.warnings).toEqual([expect.stringContaining("killall -HUP mDNSResponder")]);
  });

  it("with sudo, privileged work goes through sudo and files are staged then renamed", async () => {
    const result = await localDnsInstall({ dryRun: true, platform: "darwin", domains: ["example.test"], stateDir: state });
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

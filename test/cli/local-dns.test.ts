// `linkup local-dns install|uninstall --dry-run` through the real CLI process: the plan for each
// platform is printed and nothing is written, not even the CA.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const example = resolve(import.meta.dirname, "../../examples/linkup.yaml");
const home = mkdtempSync(join(tmpdir(), "linkup-dns-cli-"));
const cli = (args: string[]) => runCli(args, { cwd: home, env: { LINKUP_HOME: home } });

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("linkup local-dns --dry-run", () => {
  it("previews the macOS install: a resolver file per top-level domain and the keychain step", async () => {
    const r = await cli(["local-dns", "install", "--dry-run", "--platform", "darwin", "-f", example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would write /etc/resolver/example.test:\n  nameserver 127.0.0.1\n  port 8053");
    expect(r.stdout).not.toContain("/etc/resolver/api.example.test");
    expect(r.stdout).toContain("would run: security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain");
    expect(r.stdout).toContain("(dry run: nothing was changed)");
    expect(readdirSync(home)).toEqual([]);
  });

  it("previews the Linux install as JSON: a systemd-resolved drop-in and update-ca-certificates", async () => {
    const r = await cli(["local-dns", "install", "--dry-run", "--platform", "linux", "--json", "-f", example]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { dry_run: boolean; description: string };
    expect(out.dry_run).toBe(true);
    expect(out.description).toContain("would write /etc/systemd/resolved.conf.d/linkup.conf:\n  [Resolve]\n  DNS=127.0.0.1:8053\n  Domains=~example.test");
    expect(out.description).toContain("would run: update-ca-certificates");
    expect(readdirSync(home)).toEqual([]);
  });

  it("previews with the ports the local server is configured with (LINKUP_DNS_PORT, LINKUP_PROXY_PORT, LINKUP_HTTPS_PORT), 80/443 redirected", async () => {
    const r = await runCli(["local-dns", "install", "--dry-run", "--platform", "linux", "-f", example], {
      cwd: home,
      env: { LINKUP_HOME: home, LINKUP_DNS_PORT: "5353", LINKUP_PROXY_PORT: "8080", LINKUP_HTTPS_PORT: "9443" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("  DNS=127.0.0.1:5353");
    expect(r.stdout).toContain("ip daddr 127.0.0.1 tcp dport 80 redirect to :8080");
    expect(r.stdout).toContain("ip daddr 127.0.0.1 tcp dport 443 redirect to :9443");
    expect(r.stdout).toContain("would run: systemctl enable --now linkup-port-redirect.service");
    const mac = await runCli(["local-dns", "install", "--dry-run", "--platform", "darwin", "-f", example], { cwd: home, env: { LINKUP_HOME: home, LINKUP_DNS_PORT: "5353" } });
    expect(mac.stdout).toContain("would write /etc/resolver/example.test:\n  nameserver 127.0.0.1\n  port 5353");
    expect(mac.stdout).toContain("rdr pass on lo0 inet proto tcp from any to 127.0.0.1 port 443 -> 127.0.0.1 port 8443");
    expect(readdirSync(home)).toEqual([]);
  });

  it("refuses --platform without --dry-run (argument error, exit 2)", async () => {
    const r = await cli(["local-dns", "install", "--platform", "darwin", "-f", example]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--platform only previews");
  });

  it("uninstall with nothing installed says so and changes nothing", async () => {
    const r = await cli(["local-dns", "uninstall", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("nothing to uninstall");
    expect(readdirSync(home)).toEqual([]);
  });
});

describe("linkup local-dns status", () => {
  it("says it is not installed, and which URLs Linkup prints meanwhile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-dns-status-"));
    try {
      const status = (args: string[]) => runCli(["local-dns", "status", ...args], { cwd: dir, env: { LINKUP_HOME: dir, LINKUP_ADMIN_PORT: "9" } });
      const none = await status([]);
      expect(none.code).toBe(0);
      expect(none.stdout).toContain("not installed");
      expect(none.stdout).toContain(".localhost");
      expect(JSON.parse((await status(["--json"])).stdout)).toMatchObject({ installed: false, domains: [], local_server: false });

      const record = { version: 1, platform: "linux", domains: ["example.test"], dnsPort: 8053, files: ["/etc/systemd/resolved.conf.d/linkup.conf"], commands: [], caCertPath: "/x", caSha1: "00", caCreated: false, installedAt: "2026-01-02T03:04:05.000Z" };
      writeFileSync(join(dir, "local-dns.json"), JSON.stringify(record));
      const installed = await status([]);
      expect(installed.stdout).toContain("installed 2026-01-02T03:04:05.000Z on linux for example.test");
      expect(installed.stdout).toContain("local server: not running");
      expect(JSON.parse((await status(["--json"])).stdout)).toMatchObject({ installed: true, domains: ["example.test"], platform: "linux", https_port: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

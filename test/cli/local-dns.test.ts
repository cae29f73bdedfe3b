// `linkup local-dns install|uninstall --dry-run` through the real CLI process: the plan for each
// platform is printed and nothing is written, not even the CA.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
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

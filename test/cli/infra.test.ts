// `linkup infra deploy|destroy` through the real CLI process, against the Cloudflare API stand-in:
// the bundle is the real worker (wrangler deploy --dry-run of this repository's wrangler.toml).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloudflareStandin, type CloudflareStandin } from "../support/cloudflare-api-standin.js";
import { runCli } from "./support/cli.js";

const TOKEN = "cf-cli-token";
const ACCOUNT = "acct-cli";
const ZONES = [
  { id: "zone-a", name: "a.test" },
  { id: "zone-b", name: "b.test" },
];

describe("linkup infra (CLI)", () => {
  let cf: CloudflareStandin;
  const home = mkdtempSync(join(tmpdir(), "linkup-infra-cli-"));
  const cli = (args: string[]) =>
    runCli(["infra", ...args, "-a", ACCOUNT, "-z", "zone-a", "zone-b"], {
      cwd: home,
      env: { LINKUP_HOME: home, CLOUDFLARE_API_BASE: cf.url, CLOUDFLARE_API_TOKEN: TOKEN, WRANGLER_SEND_METRICS: "false" },
    });

  beforeAll(async () => {
    cf = await startCloudflareStandin({ token: TOKEN, accountId: ACCOUNT, zones: ZONES, workersSubdomain: "team" });
  });
  afterAll(async () => {
    await cf.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("deploy --dry-run prints the plan and writes nothing", async () => {
    const r = await cli(["deploy", "--dry-run"]);
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ create    worker-script linkup-worker-a-test-b-test");
    expect(r.stdout).toContain("+ create    dns-record *.b.test");
    expect(r.stdout).toMatch(/\d+ to create, 0 to update, 0 to delete, 0 unchanged\./);
    expect(r.stdout).toContain("Dry run: nothing was changed.");
    expect(cf.writes()).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  }, 120_000);

  it("deploy --dry-run with linkup.yaml's access block shows what to create in Cloudflare Access", async () => {
    const file = join(home, "with-access.yaml");
    writeFileSync(
      file,
      `access:
  team_domain: myteam
  audience: 4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2
services:
  - name: web
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - name: demo-for-client
    type: preview
    access: public
`,
    );
    const r = await cli(["deploy", "--dry-run", "-f", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Cloudflare Access (team myteam.cloudflareaccess.com): create in Zero Trust");
    expect(r.stdout).toContain("public hostnames: *.example.com");
    expect(r.stdout).toContain("Service Auth");
    expect(r.stdout).toContain("linkup-tunnel-<session>.a.test");
    expect(r.stdout).toContain("demo-for-client.example.com");
    expect(r.stdout).toContain("https://myteam.cloudflareaccess.com/cdn-cgi/access/certs");
    expect(r.stdout).toContain("Dry run: nothing was changed.");
    expect(cf.writes()).toEqual([]);
  }, 120_000);

  it("without a terminal to ask on, deploy refuses to change anything unless --yes is given", async () => {
    const r = await cli(["deploy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("there is no terminal to ask on");
    expect(r.stderr).toContain("--yes");
    expect(cf.writes()).toEqual([]);
  }, 120_000);

  it("deploy --yes creates everything and shows the worker token once; a second deploy changes nothing", async () => {
    const first = await cli(["deploy", "--yes"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Deployed linkup-worker-a-test-b-test: https:\/\//);
    const token = /New worker token \(shown only now[^)]*\): (\S+)/.exec(first.stdout)?.[1];
    expect(token).toBeTruthy();
    expect(first.stdout.split(token!).length - 1).toBe(1);
    const writes = cf.writes().length;
    expect(writes).toBeGreaterThan(0);

    const second = await cli(["deploy"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Nothing to do");
    expect(second.stdout).not.toContain("New worker token");
    expect(second.stdout).toMatch(/0 to create, 0 to update, 0 to delete, \d+ unchanged\./);
    expect(cf.writes().length).toBe(writes);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(TOKEN);
  }, 180_000);

  it("destroy --dry-run lists what would be removed and removes nothing", async () => {
    const before = cf.writes().length;
    const r = await cli(["destroy", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- delete +worker-script linkup-worker-a-test-b-test/);
    expect(cf.writes().length).toBe(before);
  }, 60_000);
});

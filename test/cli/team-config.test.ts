// A team of three sharing one linkup.yaml and one worker, each with their own state directory,
// local server and linkup.local.yaml, all through the real CLI: each keeps a distinct personal
// session, shared sessions do not change between their applies, nobody's --prune deletes anyone
// else's personal session, and `diff` shows a shared session the file no longer declares.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/core/session.js";
import { startTeamBackends, type TeamBackends, type Teammate } from "./support/backends.js";
import { runCli } from "./support/cli.js";

const teamFile = (workerUrl: string, withPr1 = true) => `linkup:
  worker_url: ${workerUrl}
  worker_token: \${TEST_WORKER_TOKEN}
  config_id: shop
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example.com
  - name: auth
    remote: https://auth.example.com
domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
sessions:
  - type: tunneled
    routes: { web: local }
${
  withPr1
    ? `  - name: pr-1
    type: preview
    routes: { api: https://api-pr-1.example.com }
`
    : ""
}  - name: demo
    type: tunneled
    routes: { web: local }
`;

/** Each teammate's own override: another port for a service, and a session of their own. */
const LOCAL: Record<string, string> = {
  alice: `services:
  - name: web
    local: http://127.0.0.1:3001
sessions:
  - routes: { api: local }
`,
  bob: `services:
  - name: web
    local: http://127.0.0.1:3002
sessions:
  - name: bob-sandbox
    type: isolated
    routes: { web: local }
`,
  carol: `services:
  - name: api
    local: http://127.0.0.1:4003
sessions:
  - name: carol-try
    type: tunneled
    routes: { api: local }
`,
};

describe("a team of three on one worker", () => {
  let t: TeamBackends;
  const checkouts = new Map<string, string>();
  const member = (name: string) => t.members.find((m) => m.name === name)!;
  const cli = (m: Teammate, args: string[]) => runCli(args, { cwd: checkouts.get(m.name)!, env: m.env });
  const ownerOf = (m: Teammate) => readFileSync(join(m.home, "owner-id"), "utf8").trim();
  const personalOf = (m: Teammate) => JSON.parse(readFileSync(join(m.home, "personal-session.json"), "utf8")).shop as string;
  const byName = (records: SessionRecord[]) => new Map(records.map((r) => [r.name, r]));
  const web = (r: SessionRecord | undefined) => r?.spec.services.find((s) => s.name === "web");
  const api = (r: SessionRecord | undefined) => r?.spec.services.find((s) => s.name === "api");
  /** Every record on the worker and on each teammate's local server, with its version. */
  const everything = async () => {
    const all = (await t.workerRecords()).map((r) => `worker/${r.name}@${r.version}`);
    for (const m of t.members) all.push(...(await m.localRecords()).map((r) => `${m.name}/${r.name}@${r.version}`));
    return all.sort();
  };

  beforeAll(async () => {
    t = await startTeamBackends(["alice", "bob", "carol"]);
    for (const m of t.members) {
      // Separate checkouts with different folder names: config_id keeps the identity the same.
      const dir = mkdtempSync(join(tmpdir(), `shop-${m.name}-`));
      writeFileSync(join(dir, "linkup.yaml"), teamFile(t.workerUrl));
      writeFileSync(join(dir, "linkup.local.yaml"), LOCAL[m.name]!);
      checkouts.set(m.name, dir);
    }
  });
  afterAll(async () => {
    await t?.close();
    for (const dir of checkouts.values()) rmSync(dir, { recursive: true, force: true });
  });

  it("validate names the team file and the local override it merged", async () => {
    const r = await cli(member("alice"), ["validate"]);
    expect(r.code).toBe(0);
    const dir = checkouts.get("alice")!;
    expect(r.stdout).toContain(`  ${join(dir, "linkup.yaml")}\n`);
    expect(r.stdout).toContain(`  ${join(dir, "linkup.local.yaml")}  (local override`);
  });

  it("each teammate applies: a distinct personal session each, shared sessions from the team file alone", async () => {
    for (const m of t.members) {
      const r = await cli(m, ["apply"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const owners = t.members.map(ownerOf);
    expect(new Set(owners).size).toBe(3);
    const personal = t.members.map(personalOf);
    expect(new Set(personal).size).toBe(3);

    const worker = byName(await t.workerRecords());
    expect([...worker.keys()].sort()).toEqual(["carol-try", "demo", "pr-1", ...personal].sort());
    for (const r of worker.values()) expect(r.managed_by).toBe("shop");
    // Shared sessions carry no owner and the team's values, whoever wrote them last.
    for (const name of ["pr-1", "demo"]) expect(worker.get(name)!.owner).toBeNull();
    expect(web(worker.get("demo"))?.local).toBe("http://127.0.0.1:3000");
    expect(api(worker.get("demo"))?.local).toBe("http://127.0.0.1:4000");
    // Personal sessions carry their owner and that person's overrides.
    const [alice, bob, carol] = personal.map((n) => worker.get(n)!);
    expect(alice!.owner).toBe(owners[0]);
    expect(web(alice)).toMatchObject({ local: "http://127.0.0.1:3001", route: "local" });
    expect(api(alice)).toMatchObject({ route: "local" });
    expect(bob!.owner).toBe(owners[1]);
    expect(web(bob)?.local).toBe("http://127.0.0.1:3002");
    expect(api(bob)?.route).toBe("remote");
    expect(carol!.owner).toBe(owners[2]);
    expect(api(carol)?.local).toBe("http://127.0.0.1:4003");
    expect(worker.get("carol-try")!.owner).toBe(owners[2]);
    // Bob's isolated session lives on his machine only, as his.
    const bobLocal = byName(await member("bob").localRecords());
    expect(bobLocal.get("bob-sandbox")).toMatchObject({ owner: owners[1], managed_by: "shop" });
    expect(web(bobLocal.get("demo"))?.local).toBe("http://127.0.0.1:3000");
  });

  it("a second round of applies writes nothing anywhere, and every diff is clean", async () => {
    const before = await everything();
    for (const m of t.members) {
      const r = await cli(m, ["apply"]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/created|configured|pruned|not declared/);
    }
    expect(await everything()).toEqual(before);
    for (const m of t.members) {
      const d = await cli(m, ["diff"]);
      expect(d.stdout.trim()).toBe("0 to create, 0 to change, 0 to delete");
      expect(d.code).toBe(0);
    }
  });

  it("sessions list shows whose each personal session is", async () => {
    const alice = member("alice");
    const r = await cli(alice, ["sessions", "list", "--json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.owner).toBe(ownerOf(alice));
    const rows = new Map<string, { owner: string | null; mine: boolean; personal: boolean }>(list.sessions.map((s: { name: string }) => [s.name, s]));
    expect(rows.get(personalOf(alice))).toMatchObject({ owner: ownerOf(alice), mine: true, personal: true });
    expect(rows.get(personalOf(member("bob")))).toMatchObject({ owner: ownerOf(member("bob")), mine: false, personal: false });
    expect(rows.get("demo")).toMatchObject({ owner: null, mine: false });
    const table = await cli(alice, ["sessions", "list"]);
    expect(table.stdout).toMatch(/SESSION.*TYPE.*WHERE.*MANAGED BY.*OWNER.*URLS/);
    expect(table.stdout).toContain(`${ownerOf(alice)} (you)`);
  });

  it("--prune by any of them deletes no one else's personal session", async () => {
    const before = await everything();
    for (const m of t.members) {
      const r = await cli(m, ["apply", "--prune"]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("pruned");
    }
    expect(await everything()).toEqual(before);
  });

  it("diff shows a shared session the team file no longer declares; apply keeps it until --prune", async () => {
    const [alice, bob, carol] = t.members as [Teammate, Teammate, Teammate];
    // Alice's branch removes pr-1.
    writeFileSync(join(checkouts.get("alice")!, "linkup.yaml"), teamFile(t.workerUrl, false));
    const d = await cli(alice, ["diff"]);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain("diff session/pr-1 (worker): not declared (delete with --prune)");
    expect(d.stdout.trim().split("\n").at(-1)).toBe("0 to create, 0 to change, 0 to delete, 1 not declared (delete with --prune)");
    // Teammates' personal sessions are not "undeclared" for Alice.
    for (const name of [personalOf(bob), personalOf(carol), "carol-try"]) expect(d.stdout).not.toContain(`session/${name}`);
    const j = JSON.parse((await cli(alice, ["diff", "-o", "json"])).stdout);
    expect(j.summary).toEqual({ create: 0, change: 0, delete: 0, unchanged: 2, undeclared: 1 });
    expect(j.sessions).toEqual([{ name: "pr-1", kind: "undeclared", placements: ["worker"], changes: [], patch: "" }]);

    const a = await cli(alice, ["apply"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("session/pr-1 not declared (delete with --prune)");
    expect((await t.workerRecords()).some((r) => r.name === "pr-1")).toBe(true);

    // Bob pulls the change and prunes: pr-1 goes, every personal session stays.
    writeFileSync(join(checkouts.get("bob")!, "linkup.yaml"), teamFile(t.workerUrl, false));
    const p = await cli(bob, ["apply", "--prune"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("session/pr-1 pruned");
    expect(p.stdout.match(/pruned/g)).toHaveLength(1);
    const names = (await t.workerRecords()).map((r) => r.name).sort();
    expect(names).toEqual(["carol-try", "demo", personalOf(alice), personalOf(bob), personalOf(carol)].sort());
    expect((await bob.localRecords()).map((r) => r.name).sort()).toEqual(["bob-sandbox", "demo", personalOf(bob)].sort());
  });

  it("a teammate's own personal session leaves only through their own prune", async () => {
    const [alice, , carol] = t.members as [Teammate, Teammate, Teammate];
    writeFileSync(join(checkouts.get("carol")!, "linkup.yaml"), teamFile(t.workerUrl, false));
    writeFileSync(join(checkouts.get("carol")!, "linkup.local.yaml"), LOCAL.carol!.split("sessions:")[0]!);
    const d = await cli(carol, ["diff"]);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain("diff session/carol-try (local, worker): not declared (delete with --prune)");
    // Alice's prune does not touch it.
    expect((await cli(alice, ["apply", "--prune"])).stdout).not.toContain("carol-try");
    expect((await t.workerRecords()).some((r) => r.name === "carol-try")).toBe(true);
    const p = await cli(carol, ["apply", "--prune"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("session/carol-try pruned");
    expect((await t.workerRecords()).some((r) => r.name === "carol-try")).toBe(false);
    expect((await carol.localRecords()).some((r) => r.name === "carol-try")).toBe(false);
  });

  it("refuses to take over someone else's personal session, and writes nothing", async () => {
    const alice = member("alice");
    const bobsName = personalOf(member("bob"));
    // Alice acting as "ci" with a remembered name that is Bob's (a copied state file, say).
    const file = join(alice.home, "personal-session.json");
    const remembered = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...remembered, "shop@ci": bobsName }));
    const before = await everything();
    const r = await cli(alice, ["apply", "--owner", "ci"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`session ${bobsName} is the personal session of ${ownerOf(member("bob"))}`);
    expect(r.stderr).toContain(`remove "shop@ci" from ${file}`);
    expect(await everything()).toEqual(before);
  });
});

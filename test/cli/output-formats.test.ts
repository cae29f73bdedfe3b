// `-o yaml|name|wide` on every command that prints sessions or results, run as a person would: in
// a terminal (a pseudo-terminal from util-linux `script`), colour on. YAML is the JSON object;
// names are `<kind>/<name>` lines; wide tables are plain aligned columns with more of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";
import { runCliPty, stripAnsi } from "./support/pty.js";

/** Every line of a plain table: no box drawing, columns that start where the header's do. */
function expectPlainTable(table: string, header: string[]): void {
  const lines = stripAnsi(table).trimEnd().split("\n");
  expect(lines[0]!.split(/\s{3,}/)).toEqual(header);
  expect(table).not.toMatch(/[│┃┌┐└┘├┤─═║]/);
  const starts = header.map((h) => lines[0]!.indexOf(h));
  for (const row of lines.slice(1)) {
    // Each column's cell starts at its header (the last column may be anything).
    for (const [i, start] of starts.entries()) if (i > 0) expect(row[start - 1], `${row}\n${lines[0]}`).toBe(" ");
  }
}

describe("output formats under a terminal", () => {
  let b: Backends;
  let p: Project;
  let personal: string;
  let env: Record<string, string>;
  const pty = (args: string[]) => runCliPty(args, { cwd: p.dir, env });

  beforeAll(async () => {
    b = await startBackends();
    p = makeProject();
    p.write(configYaml(b, { configId: "formats", sessions: "  - type: tunneled\n    routes: { web: local }\n  - name: pv\n    type: preview\n" }));
    // A terminal with colour: NO_COLOR unset.
    env = { ...b.env, TEST_WORKER_TOKEN: b.workerToken, NO_COLOR: "" };
    const applied = await runCli(["apply", "-o", "json"], { cwd: p.dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    personal = JSON.parse(applied.stdout).sessions.find((s: { name: string }) => s.name !== "pv").name;
  });
  afterAll(async () => {
    await b?.close();
    p?.remove();
  });

  const commands: { name?: string; args: string[]; names: (personal: string) => string[]; wide: string[]; sameAsJson: boolean }[] = [
    { args: ["apply"], names: (me) => [`session/${me}`, "session/pv"].sort(), wide: ["SESSION", "RESULT", "WHERE", "TUNNEL", "URLS"], sameAsJson: true },
    { args: ["status"], names: (me) => [`session/${me}`, "session/pv"], wide: ["SESSION", "TYPE", "WHERE", "OWNER", "URLS", "MANAGED BY", "TUNNEL"], sameAsJson: false },
    {
      args: ["sessions", "list"],
      names: (me) => [`session/${me}`, "session/pv"],
      wide: ["SESSION", "TYPE", "WHERE", "MANAGED BY", "OWNER", "EXPIRES", "URLS", "VERSIONS", "TUNNEL"],
      sameAsJson: true,
    },
    { args: ["start"], names: (me) => [`session/${me}`], wide: ["SESSION", "TYPE", "URLS", "WHERE", "TUNNEL"], sameAsJson: true },
    { args: ["route", "local", "web"], names: (me) => [`session/${me}`], wide: ["SERVICE", "ROUTE", "URL", "LOCAL", "REMOTE"], sameAsJson: true },
    {
      args: ["validate"],
      names: () => ["service/web", "service/api", "service/auth", "domain/example.com", "session/pv"],
      wide: ["SERVICE", "LOCAL", "REMOTE", "HEALTH"],
      sameAsJson: true,
    },
    { args: ["health"], names: () => ["component/local-server", "component/worker"], wide: ["PROCESS", "PID", "ALIVE", "PID FILE"], sameAsJson: false },
  ];

  it.each(commands.map((c) => ({ ...c, name: c.args.join(" ") })))("$name: -o yaml is the JSON object, -o name lists kind/name, -o wide adds columns", async ({ args, names, wide, sameAsJson }) => {
    const json = await runCli([...args, "-o", "json"], { cwd: p.dir, env });
    expect(json.code, json.stderr).toBe(0);
    const fromJson = JSON.parse(json.stdout);

    const yaml = await pty([...args, "-o", "yaml"]);
    expect(yaml.code, yaml.stderr).toBe(0);
    // Machine output stays machine-readable on a terminal: no colour codes in it.
    expect(yaml.tty).toBe(stripAnsi(yaml.tty));
    const fromYaml = parse(yaml.tty);
    if (sameAsJson) expect(fromYaml).toEqual(fromJson);
    else expect(Object.keys(fromYaml).sort()).toEqual(Object.keys(fromJson).sort());

    const name = await pty([...args, "-o", "name"]);
    expect(name.code, name.stderr).toBe(0);
    expect(name.tty.trimEnd().split("\n")).toEqual(names(personal));

    const w = await pty([...args, "-o", "wide"]);
    expect(w.code, w.stderr).toBe(0);
    const plain = stripAnsi(w.tty);
    const table = plain.split("\n\n").find((block) => block.split("\n").some((l) => l.split(/\s{3,}/).join(",") === wide.join(",")));
    expect(table, plain).toBeDefined();
    const at = table!.split("\n").findIndex((l) => l.split(/\s{3,}/).join(",") === wide.join(","));
    expectPlainTable(table!.split("\n").slice(at).join("\n"), wide);
  });

  it("diff: -o name lists the drifted sessions, -o yaml is the JSON object, -o wide names each field", async () => {
    expect((await runCli(["route", "remote", "web"], { cwd: p.dir, env })).code).toBe(0);
    const name = await pty(["diff", "-o", "name"]);
    expect(name.code).toBe(1);
    expect(name.tty.trimEnd()).toBe(`session/${personal}`);
    const json = JSON.parse((await runCli(["diff", "-o", "json"], { cwd: p.dir, env })).stdout);
    const yaml = await pty(["diff", "-o", "yaml"]);
    expect(yaml.code).toBe(1);
    expect(parse(yaml.tty)).toEqual(json);
    const wide = await pty(["diff", "-o", "wide"]);
    expect(stripAnsi(wide.tty)).toContain(`session/${personal} (local, worker): web remote → local`);
    expect(stripAnsi(wide.tty)).toContain("session/pv unchanged");
    expect((await runCli(["apply"], { cwd: p.dir, env })).code).toBe(0);
    const clean = await pty(["diff", "-o", "name"]);
    expect(clean.code).toBe(0);
    expect(clean.tty).toBe("");
  });

  it("plain tables by default: sessions list and status, coloured on a terminal, aligned as shown", async () => {
    const list = await pty(["sessions", "list"]);
    expect(list.code).toBe(0);
    expectPlainTable(list.tty.trimEnd(), ["SESSION", "TYPE", "WHERE", "MANAGED BY", "OWNER", "EXPIRES", "URLS"]);
    expect(stripAnsi(list.tty)).toMatch(new RegExp(`^${personal}\\s+tunneled\\s+local,worker\\s+formats\\s+\\S+ \\(you\\)\\s+never\\s+https://${personal}\\.example\\.com/$`, "m"));

    const status = await pty(["status"]);
    expect(status.code).toBe(0);
    // Colour on a terminal (ok in green), none with --color=never.
    expect(status.tty).toContain("\u001b[32mok\u001b[39m");
    const [sessions, services, components] = status.tty.trimEnd().split("\n\n");
    expectPlainTable(sessions!, ["SESSION", "TYPE", "WHERE", "OWNER", "URLS"]);
    expectPlainTable(services!, ["SESSION", "SERVICE", "LOCATION", "STATUS", "URL"]);
    expectPlainTable(components!, ["COMPONENT", "STATUS", "URL"]);
    const never = await pty(["status", "--color=never"]);
    expect(never.tty).toBe(stripAnsi(never.tty));
    expect(never.tty).toBe(stripAnsi(status.tty));
  });

  it("FORCE_COLOR colours without a terminal; NO_COLOR wins over a terminal", async () => {
    const forced = await runCli(["validate"], { cwd: p.dir, env: { ...env, FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\u001b[32mvalid\u001b[39m");
    const plainPipe = await runCli(["validate"], { cwd: p.dir, env });
    expect(plainPipe.stdout).toBe(stripAnsi(plainPipe.stdout));
    const noColor = await runCliPty(["validate"], { cwd: p.dir, env: { ...env, NO_COLOR: "1" } });
    expect(noColor.tty).toMatch(/^valid: /);
  });
});

// Command definitions: the handler's argument type comes from the option and positional specs
// (checked by the type checker: each @ts-expect-error below fails `npm run typecheck` if the
// line it marks ever compiles), and main.ts builds them into commander with the checks in order:
// commander's own (choices, unknown flags), then validate(), then the settings, then the handler.
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { CONFIG_OPTIONS, defineCommand, JSON_OPTION, type AnyCommand, type OptionSpec } from "./command.js";
import { commands } from "./commands/index.js";
import type { CliIo } from "./io.js";
import { buildProgram, reportError } from "./main.js";

const example = defineCommand({
  name: "example",
  description: "an example",
  positionals: [
    { name: "target", required: true, choices: ["local", "remote"] },
    { name: "extra-names", variadic: true },
  ],
  options: {
    ...CONFIG_OPTIONS,
    "dry-run": { type: "boolean", description: "d" },
    output: { type: "string", alias: "o", choices: ["text", "json"], default: "text", description: "o" },
    session: { type: "string", description: "s" },
    "zone-ids": { type: "array", alias: "z", description: "z" },
    ...JSON_OPTION,
  },
  validate: (args) => (args.dryRun && args.session !== undefined ? "--dry-run and --session do not mix" : undefined),
  async handler(args, { io, settings }) {
    // The inferred types, spelled out: each assignment fails to compile if the inference drifts.
    const target: "local" | "remote" = args.target;
    const extra: string[] = args.extraNames;
    const dryRun: boolean = args.dryRun;
    const output: "text" | "json" = args.output;
    const session: string | undefined = args.session;
    const zones: string[] = args.zoneIds;
    const file: string[] = args.file;
    // @ts-expect-error: options are camel-cased; the flag's own spelling is not a key.
    void args["dry-run"];
    // @ts-expect-error: a flag that is not defined (e.g. renamed) does not exist on args.
    void args.prune;
    // @ts-expect-error: a string option without a default may be undefined.
    const notUndefined: string = args.session;
    // @ts-expect-error: choices narrow the type.
    const wrongChoice: "yaml" = args.output;
    void notUndefined;
    void wrongChoice;
    io.out(JSON.stringify({ target, extra, dryRun, output, session, zones, file, json: args.json, admin: settings.ports.admin }));
    return 0;
  },
});

function testIo(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd: "/", isTTY: false, color: pc.createColors(false) };
}

async function run(argv: string[], env: Record<string, string> = {}, defs: readonly AnyCommand[] = [example]) {
  const io = testIo(env);
  let code = 0;
  const program = buildProgram(defs, io, (c) => (code = c), {});
  program.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode !== undefined ? 2 : reportError(e, io);
  }
  return { code, io };
}

describe("defineCommand in main.ts", () => {
  it("hands the handler typed, camel-cased arguments with booleans and lists never undefined", async () => {
    const r = await run(["example", "local", "-o", "json", "--zone-ids", "a", "b", "--session", "s1"], { LINKUP_ADMIN_PORT: "9999" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.io.stdout[0]!)).toEqual({
      target: "local",
      extra: [],
      file: [],
      dryRun: false,
      output: "json",
      session: "s1",
      zones: ["a", "b"],
      json: false,
      admin: 9999,
    });
    const defaults = await run(["example", "remote", "x", "y", "--dry-run", "-f", "l.yaml"]);
    expect(JSON.parse(defaults.io.stdout[0]!)).toMatchObject({ target: "remote", extra: ["x", "y"], dryRun: true, output: "text", zones: [], file: ["l.yaml"] });
    // A repeatable option keeps every value in order and never swallows a positional.
    const several = await run(["example", "-f", "a.yaml", "local", "-f", "b.yaml", "z"]);
    expect(JSON.parse(several.io.stdout[0]!)).toMatchObject({ target: "local", extra: ["z"], file: ["a.yaml", "b.yaml"] });
    expect(JSON.parse((await run(["example", "local"])).io.stdout[0]!)).toMatchObject({ file: [] });
  });

  it("runs validate() before the handler and reports its message once, exit 2", async () => {
    const r = await run(["example", "local", "--dry-run", "--session", "s"]);
    expect(r.code).toBe(2);
    expect(r.io.stdout).toEqual([]);
    expect(r.io.stderr).toEqual(["error: --dry-run and --session do not mix\nhint: see `linkup example --help`"]);
  });

  it("refuses a value outside the choices (commander) and a bad setting (settings) before the handler", async () => {
    expect((await run(["example", "sideways"])).code).toBe(2);
    expect((await run(["example", "local", "-o", "yaml"])).code).toBe(2);
    const bad = await run(["example", "local"], { LINKUP_ADMIN_PORT: "80a" });
    expect(bad.code).toBe(2);
    expect(bad.io.stdout).toEqual([]);
    expect(bad.io.stderr[0]).toMatch(/^error: LINKUP_ADMIN_PORT must be a port number/);
  });
});

describe("the CLI's commands", () => {
  it("keep every flag and alias users have today", () => {
    const flags = Object.fromEntries(
      commands.map((c) => [
        c.name,
        Object.entries((c.options ?? {}) as Record<string, OptionSpec>)
          .map(([name, spec]) => `${spec.alias ? `-${spec.alias}/` : ""}--${name}`)
          .sort(),
      ]),
    );
    const config = ["-c/--config", "-f/--file"];
    expect(flags).toEqual({
      start: [...config, "--isolated", "--json", "--owner"].sort(),
      stop: [...config, "--json"].sort(),
      status: [...config, "--json", "--owner", "--session"].sort(),
      route: [...config, "-a/--all", "--json", "--owner", "--session"].sort(),
      apply: [...config, "--dry-run", "--owner", "--prune", "-w/--watch", "-o/--output"].sort(),
      diff: [...config, "--base", "--owner", "--prune", "-o/--output"].sort(),
      validate: [...config, "--ignore-env", "--json"].sort(),
      "config view": [...config, "--ignore-env", "--show-origin", "-o/--output"].sort(),
      "sessions list": [...config, "--json", "--owner"].sort(),
      "sessions create-preview": [...config, "--json", "--print-request", "--ttl", "--wait"].sort(),
      "sessions create-isolated": [...config, "--json"].sort(),
      "sessions delete": [...config, "--ignore-not-found", "--json"].sort(),
      requests: ["-f/--follow", "--service", "--session", "--tail", "-o/--output"].sort(),
      explain: [...config, "--at", "--session", "-H/--header", "-X/--method", "-o/--output"].sort(),
      dashboard: [...config, "--print", "-o/--output"].sort(),
      health: [...config, "--json"].sort(),
      "local-dns install": [...config, "--dry-run", "--json", "--platform"].sort(),
      "local-dns uninstall": ["--dry-run", "--json"],
      "infra deploy": ["--api-token", "--dry-run", "-a/--account-id", "-y/--yes", "-z/--zone-ids"],
      "infra destroy": ["--api-token", "--dry-run", "-a/--account-id", "-y/--yes", "-z/--zone-ids"],
      completion: ["--shell"],
    });
    expect(commands.find((c) => c.name === "sessions list")?.aliases).toEqual(["ls"]);
  });
});

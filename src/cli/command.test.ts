// Command definitions: the handler's argument type comes from the option and positional specs
// (checked by the type checker: each @ts-expect-error below fails `npm run typecheck` if the
// line it marks ever compiles), and main.ts builds them into commander with the checks in order:
// commander's own (choices, unknown flags), then validate(), then the settings, then the handler.
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { CONFIG_OPTIONS, defineCommand, JSON_OPTION, type AnyCommand, type OptionSpec } from "./command.js";
import { commands } from "./commands/index.js";
import type { CliIo } from "./io.js";
import { buildProgram, reportError, withPresetValues } from "./main.js";
import { examplesText } from "./examples.js";
import { didYouMean } from "./did-you-mean.js";
import { colorWanted } from "./io.js";

const example = defineCommand({
  name: "example",
  description: "an example",
  examples: [{ description: "do the example", command: "linkup example local" }],
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
    // Every command that prints results takes -o (text first, the default) and --json as its alias.
    const output = ["--json", "-o/--output"];
    expect(flags).toEqual({
      init: [...output, "--force", "-d/--domain", "-f/--file", "-s/--service"].sort(),
      start: [...config, ...output, "--isolated", "--owner"].sort(),
      stop: [...config, ...output].sort(),
      status: [...config, ...output, "--owner", "--session"].sort(),
      route: [...config, ...output, "-a/--all", "--dry-run", "--owner", "--session"].sort(),
      apply: [...config, ...output, "--dry-run", "--owner", "--prune", "-w/--watch"].sort(),
      diff: [...config, ...output, "--base", "--owner", "--prune"].sort(),
      validate: [...config, ...output, "--ignore-env"].sort(),
      "config view": [...config, ...output, "--ignore-env", "--show-origin"].sort(),
      "sessions list": [...config, ...output, "--owner"].sort(),
      "sessions create-preview": [...config, ...output, "--print-request", "--ttl", "--wait"].sort(),
      "sessions create-isolated": [...config, ...output].sort(),
      "sessions delete": [...config, ...output, "--dry-run", "--ignore-not-found"].sort(),
      requests: [...output, "-f/--follow", "--service", "--session", "--tail"].sort(),
      explain: [...config, ...output, "--at", "--session", "-H/--header", "-X/--method"].sort(),
      dashboard: [...config, ...output, "--print"].sort(),
      health: [...config, ...output].sort(),
      logs: ["--since", "--tail", "-f/--follow"],
      version: [...config, ...output].sort(),
      "local-dns install": [...config, ...output, "--dry-run", "--platform"].sort(),
      "local-dns uninstall": ["--dry-run", ...output].sort(),
      "local-dns status": [...output].sort(),
      "infra deploy": ["--api-token", "--dry-run", "-a/--account-id", "-y/--yes", "-z/--zone-ids"],
      "infra destroy": ["--api-token", "--dry-run", "-a/--account-id", "-y/--yes", "-z/--zone-ids"],
      completion: ["--shell"],
      __complete: [],
    });
    const formats = (name: string) => ((commands.find((c) => c.name === name)?.options ?? {}) as Record<string, OptionSpec>).output?.choices;
    expect(formats("config view")).toEqual(["yaml", "json", "name", "wide", "text"]);
    for (const name of ["apply", "diff", "status", "sessions list", "start", "route", "validate", "health"])
      expect(formats(name)?.slice(0, 5), name).toEqual(["text", "json", "yaml", "name", "wide"]);
    expect(formats("diff")).toEqual(["text", "json", "yaml", "name", "wide", "markdown"]);
    expect(commands.find((c) => c.name === "sessions list")?.aliases).toEqual(["ls"]);
  });
});

describe("help, global flags and mistyped values", () => {
  it("every command has an Examples: block in its help, built from its definition", async () => {
    for (const def of commands) {
      expect(def.examples.length, def.name).toBeGreaterThan(0);
      for (const e of def.examples) expect(e.command, def.name).toMatch(/^(linkup |source <\(linkup |echo |cat |CLOUDFLARE_API_TOKEN=\.\.\. linkup |LINKUP_EXTERNAL_DIFF=)/);
    }
    const r = await run(["example", "--help"]);
    expect(r.io.stdout.join("")).toContain("Examples:\n  # do the example\n  linkup example local");
    expect(examplesText([{ description: "a", command: "linkup a" }, { description: "b", command: "linkup b" }])).toBe(
      "Examples:\n  # a\n  linkup a\n\n  # b\n  linkup b",
    );
  });

  it("suggests the nearest allowed value for a typo", async () => {
    const r = await run(["example", "locall"]);
    expect(r.code).toBe(2);
    expect(r.io.stderr.join("\n")).toContain('Allowed choices are local, remote. Did you mean "local"?');
    const o = await run(["example", "local", "-o", "jsn"]);
    expect(o.io.stderr.join("\n")).toContain('Did you mean "json"?');
    const far = await run(["example", "local", "-o", "xml"]);
    expect(far.io.stderr.join("\n")).not.toContain("Did you mean");
    expect(didYouMean("wi", ["text", "wide"])).toBe("wide");
    expect(didYouMean("remot", ["local", "remote"])).toBe("remote");
    expect(didYouMean("zzz", ["local", "remote"])).toBeUndefined();
  });

  it("takes -q, -v and --color before or after the command and hands them to the handler", async () => {
    let seen: { quiet: boolean | undefined; trace: boolean; colored: boolean } | undefined;
    const probe = defineCommand({
      name: "probe",
      description: "p",
      examples: [{ description: "p", command: "linkup probe" }],
      async handler(_args, { io, trace }) {
        seen = { quiet: io.quiet, trace: trace !== undefined, colored: io.color.red("x") !== "x" };
        return 0;
      },
    });
    await run(["probe", "-q", "-v", "--color=always"], {}, [probe]);
    expect(seen).toEqual({ quiet: true, trace: true, colored: true });
    await run(["--color", "always", "probe"], {}, [probe]);
    expect(seen).toEqual({ quiet: false, trace: false, colored: true });
    await run(["probe"], {}, [probe]);
    expect(seen).toEqual({ quiet: false, trace: false, colored: false });
    expect((await run(["probe", "--color=sometimes"], {}, [probe])).code).toBe(2);
  });

  it("reads a bare preset flag as its preset, never taking the next word as its value", async () => {
    const presets = new Map([["--dry-run", "client"]]);
    expect(withPresetValues(["--dry-run", "pr-42"], presets)).toEqual(["--dry-run=client", "pr-42"]);
    expect(withPresetValues(["--dry-run=server", "x"], presets)).toEqual(["--dry-run=server", "x"]);
    expect(withPresetValues(["--", "--dry-run"], presets)).toEqual(["--", "--dry-run"]);
    let got: unknown;
    const del = defineCommand({
      name: "del",
      description: "d",
      examples: [{ description: "d", command: "linkup del x" }],
      positionals: [{ name: "name", required: true }],
      options: { "dry-run": { type: "string", preset: "client", choices: ["none", "client", "server"], description: "d" } },
      async handler(args) {
        got = { name: args.name, dryRun: args.dryRun };
        return 0;
      },
    });
    await run(["del", "--dry-run", "pr-42"], {}, [del]);
    expect(got).toEqual({ name: "pr-42", dryRun: "client" });
    await run(["del", "pr-42", "--dry-run=server"], {}, [del]);
    expect(got).toEqual({ name: "pr-42", dryRun: "server" });
    await run(["del", "pr-42"], {}, [del]);
    expect(got).toEqual({ name: "pr-42", dryRun: undefined });
  });

  it("decides colour from --color, NO_COLOR, FORCE_COLOR and the terminal", () => {
    expect(colorWanted("auto", {}, true)).toBe(true);
    expect(colorWanted("auto", {}, false)).toBe(false);
    expect(colorWanted("auto", { TERM: "dumb" }, true)).toBe(false);
    expect(colorWanted("auto", { NO_COLOR: "1" }, true)).toBe(false);
    expect(colorWanted("auto", { NO_COLOR: "" }, true)).toBe(true);
    expect(colorWanted("auto", { FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorWanted("auto", { FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorWanted("auto", { NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(false);
    expect(colorWanted("always", { NO_COLOR: "1" }, false)).toBe(true);
    expect(colorWanted("never", { FORCE_COLOR: "1" }, true)).toBe(false);
  });

  it("hides __complete from help", async () => {
    const io = testIo();
    const program = buildProgram(commands, io, () => {}, {});
    program.configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) });
    await program.parseAsync(["--help"], { from: "user" }).catch(() => undefined);
    const help = io.stdout.join("");
    expect(help).toContain("version");
    expect(help).toContain("logs");
    expect(help).not.toContain("__complete");
  });
});

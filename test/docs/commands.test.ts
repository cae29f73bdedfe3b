// Every `linkup ...` command README.md and docs/ show exists: its command (and subcommand) is one
// the CLI defines, every flag it shows is one of that command's options, and `linkup <command>
// --help` succeeds when run. Commands are read from inline code and from shell code blocks (sh,
// bash, console, or no language); in other blocks (text output) only lines after `$ `.
import { describe, expect, it } from "vitest";
import type { AnyCommand } from "../../src/cli/command.js";
import { commands } from "../../src/cli/commands/index.js";
import { runCli } from "../cli/support/cli.js";
import { ROOT, docFiles, parseMarkdown } from "./markdown.js";

const SHELL_LANGS = new Set(["", "sh", "bash", "shell", "console", "zsh"]);
const GLOBAL_FLAGS = new Set(["-h", "--help", "-v", "--version"]);

interface Shown {
  where: string;
  text: string;
}

/** The `linkup ...` part of a shell line, or undefined: `$ `, VAR=value prefixes and `npx` are skipped. */
export function linkupCommand(line: string): string | undefined {
  const m = /^\s*(?:\$\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?(linkup(?:\s.*)?)$/.exec(line);
  return m?.[1];
}

function shownCommands(): Shown[] {
  const out: Shown[] = [];
  for (const file of docFiles()) {
    const md = parseMarkdown(file);
    for (const span of md.codeSpans) {
      const cmd = linkupCommand(span.text);
      if (cmd && cmd !== "linkup") out.push({ where: `${md.name}:${span.line}`, text: cmd });
    }
    for (const fence of md.fences) {
      if (fence.lang === "mermaid") continue;
      // Join `\` continuations into one logical line.
      const lines: { text: string; line: number }[] = [];
      fence.lines.forEach((l, i) => {
        const prev = lines.at(-1);
        if (prev && prev.text.endsWith("\\")) prev.text = prev.text.slice(0, -1) + " " + l.trim();
        else lines.push({ text: l, line: fence.line + 1 + i });
      });
      for (const l of lines) {
        if (!SHELL_LANGS.has(fence.lang) && !/^\s*\$\s/.test(l.text)) continue;
        const cmd = linkupCommand(l.text);
        if (cmd) out.push({ where: `${md.name}:${l.line}`, text: cmd });
      }
    }
  }
  return out;
}

/** Shell-ish words: quotes kept together, cut at a comment or a command separator. */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"[^"]*"|'[^']*'|\S+/g)) {
    const w = m[0];
    if (w.startsWith("#") || ["|", "||", "&&", ";", ">", ">>", "2>&1", "<"].includes(w)) break;
    out.push(w);
  }
  return out;
}

interface Tree {
  top: Map<string, AnyCommand | Map<string, AnyCommand>>;
}

function commandTree(): Tree {
  const top = new Map<string, AnyCommand | Map<string, AnyCommand>>();
  for (const def of commands) {
    const [first, second] = def.name.split(" ");
    if (second === undefined) {
      top.set(first!, def);
      for (const a of def.aliases ?? []) top.set(a, def);
    } else {
      const group = (top.get(first!) as Map<string, AnyCommand> | undefined) ?? new Map<string, AnyCommand>();
      group.set(second, def);
      for (const a of def.aliases ?? []) group.set(a, def);
      top.set(first!, group);
    }
  }
  return { top };
}

function optionFlags(def: AnyCommand): Set<string> {
  const flags = new Set([...GLOBAL_FLAGS, ...GLOBAL_SWITCHES]);
  for (const [name, spec] of Object.entries((def.options ?? {}) as Record<string, { alias?: string }>)) {
    flags.add(`--${name}`);
    if (spec.alias) flags.add(`-${spec.alias}`);
  }
  return flags;
}

export interface Resolved {
  /** Command paths to ask `--help` of, e.g. ["infra", "deploy"]. */
  paths: string[][];
  problems: string[];
}

/** Which commands a shown command line names, and what is wrong with it. */
/** Options `linkup` itself takes before the command (src/cli/main.ts), with their value. */
const GLOBAL_VALUE_OPTIONS = new Set(["-c", "--config", "--color"]);
/** Flags `linkup` itself takes anywhere (src/cli/main.ts): quiet, verbose, colour. */
const GLOBAL_SWITCHES = ["-q", "--quiet", "--verbose", "--color"];

export function resolveShown(text: string, tree: Tree = commandTree()): Resolved {
  const w = words(text).slice(1);
  while (w[0] !== undefined && GLOBAL_VALUE_OPTIONS.has(w[0])) w.splice(0, 2);
  const first = w[0];
  if (first === undefined || GLOBAL_FLAGS.has(first)) return { paths: [[]], problems: [] };
  // A placeholder such as `linkup [command] [options]`.
  if (/^[[<]/.test(first) || first === "...") return { paths: [], problems: [] };
  const defs: { path: string[]; def: AnyCommand }[] = [];
  const problems: string[] = [];
  for (const name of first.split("|")) {
    const entry = tree.top.get(name);
    if (!entry) {
      problems.push(`no command "${name}"`);
      continue;
    }
    if (!(entry instanceof Map)) {
      defs.push({ path: [name], def: entry });
      continue;
    }
    const sub = w[1];
    // A group alone (`linkup infra`) prints its subcommands, like --help.
    if (sub === undefined || GLOBAL_FLAGS.has(sub)) {
      defs.push({ path: [name], def: { name, description: "", examples: [{ description: "", command: "" }], options: {}, handler: async () => 0 } });
      continue;
    }
    if (sub.startsWith("-")) {
      problems.push(`"${name}" needs a subcommand (${[...entry.keys()].join(", ")})`);
      continue;
    }
    for (const s of sub.split("|")) {
      const def = entry.get(s);
      if (def) defs.push({ path: [name, s], def });
      else problems.push(`no command "${name} ${s}"`);
    }
  }
  const flags = w.flatMap((x) => [...x.replace(/=.*$/, "").matchAll(/(?:^|[[(|])(--?[a-zA-Z][\w-]*)/g)].map((m) => m[1]!));
  for (const { path, def } of defs)
    for (const f of flags) if (!optionFlags(def).has(f)) problems.push(`"linkup ${path.join(" ")}" has no option ${f}`);
  return { paths: defs.map((d) => d.path), problems };
}

describe("every linkup command the documentation shows", () => {
  const shown = shownCommands();

  it("finds them (inline code, shell blocks, `$ ` lines)", () => {
    if (process.env.LINKUP_DOCS_LIST === "1") for (const s of shown) console.log(`${s.where}\t${s.text}`);
    expect(shown.length).toBeGreaterThan(40);
    expect(shown.some((s) => s.where.startsWith("README.md"))).toBe(true);
  });

  it("names commands and options the CLI defines", () => {
    const tree = commandTree();
    const problems = shown.flatMap((s) => resolveShown(s.text, tree).problems.map((p) => `${s.where}: \`${s.text}\`: ${p}`));
    expect(problems).toEqual([]);
  });

  it("answers --help for each of them", async () => {
    const tree = commandTree();
    const paths = [...new Set(shown.flatMap((s) => resolveShown(s.text, tree).paths.map((p) => p.join(" "))))];
    expect(paths.length).toBeGreaterThan(10);
    const failed: string[] = [];
    for (const p of paths) {
      const r = await runCli([...(p ? p.split(" ") : []), "--help"], { cwd: ROOT, env: {} });
      if (r.code !== 0 || !r.stdout.includes("Usage: linkup")) failed.push(`linkup ${p} --help: exit ${r.code} ${r.stderr.trim()}`);
    }
    expect(failed).toEqual([]);
  }, 120_000);

  it("the checker itself: catches an unknown command, a missing subcommand and an unknown flag", () => {
    expect(resolveShown("linkup local-dns status").problems).toEqual([]);
    expect(resolveShown("linkup tunnels ls").problems).toEqual(['no command "tunnels"']);
    expect(resolveShown("linkup sessions").problems).toEqual([]);
    expect(resolveShown("linkup sessions --json").problems).toHaveLength(1);
    expect(resolveShown("linkup sessions create-everything").problems).toEqual(['no command "sessions create-everything"']);
    expect(resolveShown("linkup apply --frobnicate -f x.yaml").problems).toEqual(['"linkup apply" has no option --frobnicate']);
    expect(resolveShown("linkup infra deploy|destroy [-a|--account-id ID] [--dry-run]")).toEqual({ paths: [["infra", "deploy"], ["infra", "destroy"]], problems: [] });
    expect(resolveShown("linkup route local api # comment --not-a-flag").problems).toEqual([]);
    expect(resolveShown("linkup -c linkup-config.yaml start").paths).toEqual([["start"]]);
    expect(linkupCommand("$ LINKUP_HOME=/tmp/x npx linkup status")).toBe("linkup status");
    expect(linkupCommand("linkup.yaml")).toBeUndefined();
  });
});

// Dynamic shell completion: the bash, zsh and fish scripts (`linkup completion --shell X`) call
// `linkup __complete -- <words...>` with the words typed so far (the last one being completed),
// and this decides from the command definitions what fits there: a command, a flag, an option's
// choices, files after -f, service names after `route local|remote`, session names after
// --session and `sessions delete` (those two asked of `sources`, which read the config and the
// running local server). Pure apart from `sources`, so it is unit-tested with literal word lists.
import type { AnyCommand, OptionSpec, PositionalSpec } from "./command.js";

export type CompleteKind = "files" | "services" | "sessions";

/** Where dynamic values come from; `config` is the -f/--config value typed on the line, if any. */
export interface CompletionSources {
  services(config: string | undefined): Promise<string[]>;
  sessions(config: string | undefined): Promise<string[]>;
}

export interface Completion {
  /** Candidates, not yet filtered by the shell (they are already filtered by prefix here). */
  values: string[];
  /** The shell should complete file names instead. */
  files: boolean;
}

/** The options every command accepts (main.ts defines them on the program). */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  quiet: { type: "boolean", alias: "q", description: "" },
  verbose: { type: "boolean", alias: "v", description: "" },
  color: { type: "string", choices: ["auto", "always", "never"], description: "" },
  help: { type: "boolean", alias: "h", description: "" },
  config: { type: "string", alias: "c", complete: "files", description: "" },
};

const takesValue = (spec: OptionSpec) => spec.type !== "boolean" && spec.preset === undefined;

function findOption(def: AnyCommand | undefined, word: string): { name: string; spec: OptionSpec } | undefined {
  const options: Record<string, OptionSpec> = { ...((def?.options ?? {}) as Record<string, OptionSpec>), ...GLOBAL_OPTIONS };
  if (word.startsWith("--")) {
    const name = word.slice(2);
    return options[name] ? { name, spec: options[name] } : undefined;
  }
  const entry = Object.entries(options).find(([, s]) => s.alias !== undefined && `-${s.alias}` === word);
  return entry ? { name: entry[0], spec: entry[1] } : undefined;
}

async function valuesFor(
  spec: { choices?: readonly string[]; complete?: CompleteKind },
  sources: CompletionSources,
  config: string | undefined,
): Promise<Completion> {
  if (spec.choices) return { values: [...spec.choices], files: false };
  if (spec.complete === "files") return { values: [], files: true };
  if (spec.complete === "services") return { values: await sources.services(config), files: false };
  if (spec.complete === "sessions") return { values: await sources.sessions(config), files: false };
  return { values: [], files: false };
}

const startsWith = (prefix: string) => (v: string) => v.startsWith(prefix);

export async function complete(defs: readonly AnyCommand[], words: readonly string[], sources: CompletionSources): Promise<Completion> {
  const visible = defs.filter((d) => !d.hidden);
  const done = words.slice(0, -1);
  let current = words[words.length - 1] ?? "";
  const path: string[] = [];
  let def: AnyCommand | undefined;
  let positionals: string[] = [];
  let awaiting: OptionSpec | undefined;
  let config: string | undefined;
  let awaitingName: string | undefined;

  for (let i = 0; i < done.length; i++) {
    const w = done[i]!;
    // bash splits `--output=yaml` into `--output`, `=`, `yaml` (COMP_WORDBREAKS): skip the `=`.
    if (w === "=" && awaiting) continue;
    if (awaiting) {
      if (awaitingName === "file" || awaitingName === "config") config = w;
      awaiting = undefined;
      awaitingName = undefined;
      continue;
    }
    if (w === "--") continue;
    if (w.startsWith("-") && w.length > 1) {
      const [flag, inline] = w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w, undefined];
      const found = findOption(def, flag!);
      if (!found) continue;
      if (inline !== undefined) {
        if (found.name === "file" || found.name === "config") config = inline;
      } else if (takesValue(found.spec) || (found.spec.preset !== undefined && words[i + 1] === "=")) {
        awaiting = found.spec;
        awaitingName = found.name;
      }
      continue;
    }
    if (def) {
      positionals.push(w);
      continue;
    }
    const next = [...path, w].join(" ");
    const leaf = visible.find((d) => d.name === next || (d.name.split(" ").slice(0, -1).join(" ") === path.join(" ") && d.aliases?.includes(w)));
    if (leaf) {
      def = leaf;
      path.push(w);
      positionals = [];
    } else if (visible.some((d) => d.name.startsWith(`${next} `))) path.push(w);
    else return { values: [], files: false };
  }

  // bash: the cursor right after `--output=` leaves `=` as the current word.
  if (current === "=" && awaiting) current = "";
  if (awaiting) {
    const c = await valuesFor(awaiting, sources, config);
    return { ...c, values: c.values.filter(startsWith(current)) };
  }
  // `--output=ya` as one word (zsh, fish): complete the value, keep the flag on each candidate.
  const inline = /^(--[a-z-]+)=(.*)$/.exec(current);
  if (inline) {
    const found = findOption(def, inline[1]!);
    if (!found || found.spec.type === "boolean") return { values: [], files: false };
    const c = await valuesFor(found.spec, sources, config);
    return { values: c.values.filter(startsWith(inline[2]!)).map((v) => `${inline[1]}=${v}`), files: c.files };
  }
  if (current.startsWith("-")) {
    const options: Record<string, OptionSpec> = { ...((def?.options ?? {}) as Record<string, OptionSpec>), ...GLOBAL_OPTIONS };
    const flags = Object.entries(options).flatMap(([name, s]) => [`--${name}`, ...(s.alias && current.length < 3 && !current.startsWith("--") ? [`-${s.alias}`] : [])]);
    if (!def) flags.push("--version");
    return { values: flags.filter(startsWith(current)).sort(), files: false };
  }
  if (!def) {
    const depth = path.length;
    const here = visible.filter((d) => d.name.startsWith(path.length ? `${path.join(" ")} ` : ""));
    const names = [...new Set(here.flatMap((d) => [d.name.split(" ")[depth]!, ...(d.name.split(" ").length === depth + 1 ? (d.aliases ?? []) : [])]))];
    return { values: names.filter(startsWith(current)), files: false };
  }
  const specs = (def.positionals ?? []) as readonly PositionalSpec[];
  const spec = specs[Math.min(positionals.length, specs.length - 1)];
  if (!spec || (positionals.length >= specs.length && !spec.variadic)) return { values: [], files: false };
  const c = await valuesFor(spec, sources, config);
  // A variadic list (services) does not offer what is already on the line.
  const taken = spec.variadic ? new Set(positionals.slice(specs.length - 1)) : new Set<string>();
  return { ...c, values: c.values.filter((v) => !taken.has(v)).filter(startsWith(current)) };
}

/** What `__complete` prints: the candidates, one per line, then `:files` or `:values` (the shell scripts read the last line). */
export function completionOutput(c: Completion): string {
  return [...c.values, c.files ? ":files" : ":values"].join("\n");
}

// The one place `-o/--output` is defined and honoured, so every command prints the same formats
// the same way (kubectl's habit): `text` (the default, human), `wide` (text with more columns),
// `json` and `yaml` (the same object, stable, documented per command in docs/cli.md), and `name`
// (`session/<name>` lines for scripts). `--json` stays as an alias of `-o json`.
import { stringify } from "yaml";
import { ConfigError } from "../../core/errors.js";
import type { CliIo } from "../io.js";

export const OUTPUT_FORMATS = ["text", "json", "yaml", "name", "wide"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * `-o/--output` with the formats a command supports (the first is the default, `text` for all but
 * `config view`), and `--json`. A command adding a format (e.g. `markdown`) passes it here:
 * `outputOptions([...OUTPUT_FORMATS, "markdown"])`.
 */
export function outputOptions<const F extends readonly [string, ...string[]]>(formats: F) {
  return {
    output: {
      type: "string",
      alias: "o",
      valueName: "format",
      description: `output format: ${formats.join(", ")}`,
      choices: formats,
      default: formats[0] as F[0],
    },
    json: { type: "boolean", description: "same as -o json" },
  } as const;
}

/** Every format: for commands that print sessions or results. */
export const OUTPUT_OPTIONS = outputOptions(OUTPUT_FORMATS);
/** Commands whose result has names (`session/<name>`) but no wider table. */
export const NAMED_OUTPUT_OPTIONS = outputOptions(["text", "json", "yaml", "name"]);
/** Commands that print a report or a result without names. */
export const DATA_OUTPUT_OPTIONS = outputOptions(["text", "json", "yaml"]);

/** The format asked for: `--json` means `-o json`; `--json` with another `-o` is an argument error. */
export function formatOf<F extends string>(args: { output: F; json: boolean }, defaultFormat = "text"): F | "json" {
  if (!args.json) return args.output;
  if (args.output !== defaultFormat && args.output !== "json")
    throw new ConfigError("invalid-arguments", `--json and -o ${args.output} ask for different formats`, { hint: "give one of them" });
  return "json";
}

/** True for the formats a script reads (json, yaml, name): no spinners, notes or colour on stdout. */
export function isMachineFormat(format: string): boolean {
  return format === "json" || format === "yaml" || format === "name";
}

/** `session/<name>`, the `-o name` form (kubectl's `<kind>/<name>`). */
export const sessionRef = (name: string): string => `session/${name}`;

/** The same object as JSON or YAML (fields with undefined left out, as JSON does). */
export function serialise(format: "json" | "yaml", data: unknown): string {
  if (format === "json") return JSON.stringify(data, null, 2);
  return stringify(JSON.parse(JSON.stringify(data ?? null)), { lineWidth: 0 }).replace(/\n$/, "");
}

export interface Printable {
  /** What -o json and -o yaml print. */
  data: unknown;
  /** What -o name prints, one per line (kind/name). */
  names?: () => string[];
  /** Human output; `wide` for -o wide. */
  text: (wide: boolean) => void | Promise<void>;
}

/** Prints a command's result in the format asked for. */
export async function printResult(io: CliIo, format: string, p: Printable): Promise<void> {
  if (format === "json" || format === "yaml") return io.out(serialise(format, p.data));
  if (format === "name") {
    const names = p.names?.() ?? [];
    if (names.length > 0) io.out(names.join("\n"));
    return;
  }
  await p.text(format === "wide");
}

/**
 * For streams of events (`apply --watch`): json is one object per line (JSON Lines), yaml one
 * document per event (`---` between them).
 */
export function serialiseEvent(format: "json" | "yaml", data: unknown): string {
  return format === "json" ? JSON.stringify(data) : `---\n${serialise("yaml", data)}`;
}

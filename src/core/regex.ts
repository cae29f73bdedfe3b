// Compiles the config's regex strings (route paths, rewrite sources, cache routes) with re2js, a
// linear-time engine (RE2's automata in plain JavaScript, so the same code runs in workerd and in
// Node). Route and rewrite patterns come from config files and from anyone holding an API token;
// a backtracking engine (JavaScript's RegExp) lets one such pattern plus one short request stall a
// whole host (`^/r/(a+)+$` against `/r/aaaa…!` doubles its time with every character). With RE2
// a match costs time linear in the path, whatever the pattern.
//
// The syntax is RE2's, which is what Mentimeter's Linkup (Rust `regex`) accepts too: `(?P<name>…)`
// and `(?<name>…)` groups, inline flags `(?i)`, `(?m)`, `(?s)`, `(?U)`, `\A`, `\z`, `\pL`,
// `[[:alpha:]]`. Rust forms RE2 lacks are translated: the `x` (verbose) flag (whitespace and
// `#` comments are removed) and the `u` flag (RE2 is always Unicode-aware). What neither engine
// has, backreferences and lookaround, is refused with the character it starts at, so `validate`
// can point at it.
import { RE2JS } from "re2js";

export interface CompiledRegex {
  readonly source: string;
  /** Whether the pattern matches anywhere in `input` (unanchored, like Rust's `is_match`). */
  test(input: string): boolean;
  /** Every non-overlapping match replaced by the expansion of `replacement`. */
  replaceAll(input: string, replacement: Replacement): string;
}

export type RegexResult =
  | { ok: true; regex: CompiledRegex }
  | {
      ok: false;
      message: string;
      /** 0-based index in the source of the construct refused, when known. */
      offset?: number;
    };

/** The engine named in messages and docs. */
export const REGEX_ENGINE = "RE2 (linear time; no backreferences or lookaround)";

interface Refusal {
  message: string;
  offset: number;
}

const LOOKAROUND: Record<string, string> = {
  "(?=": "lookahead `(?=…)`",
  "(?!": "negative lookahead `(?!…)`",
  "(?<=": "lookbehind `(?<=…)`",
  "(?<!": "negative lookbehind `(?<!…)`",
};

/**
 * Walks the pattern once, outside and inside character classes, and returns the translated
 * source, or the first construct RE2 cannot run.
 */
function translate(source: string): { ok: true; pattern: string } | { ok: false; refusal: Refusal } {
  let out = "";
  let verbose = false;
  let inClass = false;
  let classStart = -1;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return { ok: false, refusal: { message: "trailing backslash", offset: i } };
      if (!inClass && /[1-9]/.test(next))
        return {
          ok: false,
          refusal: { message: `backreference \`\\${next}\` is not supported: Linkup matches with ${REGEX_ENGINE}`, offset: i },
        };
      if (!inClass && next === "k" && source[i + 2] === "<")
        return { ok: false, refusal: { message: `named backreference \`\\k<…>\` is not supported: Linkup matches with ${REGEX_ENGINE}`, offset: i } };
      out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && source[i + 1] === ":") {
        // A POSIX class such as [:alpha:] inside brackets: copied whole.
        const end = source.indexOf(":]", i + 2);
        if (end !== -1) {
          out += source.slice(i, end + 2);
          i = end + 2;
          continue;
        }
      }
      if (c === "[")
        return {
          ok: false,
          refusal: { message: "nested character classes (Rust's `[a[bc]]`) are not supported: list the characters in one class", offset: i },
        };
      const pair = source.slice(i, i + 2);
      if ((pair === "&&" || pair === "~~" || (pair === "--" && source[i + 2] !== "]")) && i > classStart + 1)
        return {
          ok: false,
          refusal: { message: `character class set operation \`${pair}\` is not supported: list the characters in one class`, offset: i },
        };
      if (c === "]" && i > classStart + 1 && !(i === classStart + 2 && source[classStart + 1] === "^")) inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      classStart = i;
      out += c;
      i++;
      continue;
    }
    if (c === "(" && source[i + 1] === "?") {
      for (const [open, what] of Object.entries(LOOKAROUND))
        if (source.startsWith(open, i))
          return { ok: false, refusal: { message: `${what} is not supported: Linkup matches with ${REGEX_ENGINE}`, offset: i } };
      if (source.startsWith("(?>", i))
        return { ok: false, refusal: { message: `atomic group \`(?>…)\` is not supported: Linkup matches with ${REGEX_ENGINE}`, offset: i } };
      // Inline flags, `(?flags)` or `(?flags:`: drop Rust's x and u, which RE2 does not know.
      const flags = /^\(\?([a-zA-Z-]*)([:)])/.exec(source.slice(i));
      if (flags && /[xu]/.test(flags[1]!)) {
        const [on, off = ""] = flags[1]!.split("-");
        if (on!.includes("x")) verbose = true;
        if (off.includes("x")) verbose = false;
        const keepOn = on!.replace(/[xu]/g, "");
        const keepOff = off.replace(/[xu]/g, "");
        const kept = keepOn + (keepOff ? `-${keepOff}` : "");
        // `(?x)` alone disappears; `(?x:` becomes a plain group.
        if (flags[2] === ")") out += kept ? `(?${kept})` : "";
        else out += kept ? `(?${kept}:` : "(?:";
        i += flags[0].length;
        continue;
      }
    }
    if (verbose) {
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        i++;
        continue;
      }
      if (c === "#") {
        const end = source.indexOf("\n", i);
        i = end === -1 ? source.length : end + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { ok: true, pattern: out };
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error parsing regexp: /, "");
}

/**
 * Compiled patterns by source, shared by every session in this process (an isolate, or the local
 * server). Sessions made from one config repeat the same patterns, and compiling them was most of
 * the CPU a session-cache miss cost the worker; a compiled pattern is immutable, so sharing it is
 * safe. Bounded (oldest out first) so API writes with ever new patterns cannot grow it without end.
 */
const compiled = new Map<string, RegexResult>();
export const REGEX_CACHE_MAX_ENTRIES = 2000;

export function compileRegex(source: string): RegexResult {
  const known = compiled.get(source);
  if (known) return known;
  const result = compileUncached(source);
  compiled.set(source, result);
  if (compiled.size > REGEX_CACHE_MAX_ENTRIES) compiled.delete(compiled.keys().next().value as string);
  return result;
}

function compileUncached(source: string): RegexResult {
  const t = translate(source);
  if (!t.ok) return { ok: false, message: `${t.refusal.message} (at character ${t.refusal.offset + 1})`, offset: t.refusal.offset };
  let re: RE2JS;
  try {
    re = RE2JS.compile(t.pattern);
  } catch (error) {
    return { ok: false, message: errorText(error) };
  }
  const groupCount = re.groupCount();
  return {
    ok: true,
    regex: {
      source,
      test: (input) => re.test(input),
      replaceAll(input, replacement) {
        if (replacement.literal !== null) {
          // No group references: the cheaper string form, with `$` escaped for re2js's expansion.
          return re.matcher(input).replaceAll(replacement.escaped);
        }
        return re.matcher(input).replaceAll((...args: unknown[]) => expand(replacement.parts, args, groupCount));
      },
    },
  };
}

// --- Replacements (Rust `regex` syntax) ---

type Part = string | { group: number } | { name: string };

export interface Replacement {
  readonly parts: readonly Part[];
  /** The whole replacement when it references no group, else null. */
  readonly literal: string | null;
  /** `literal` with `$` doubled (re2js's string expansion treats `$$` as `$`). */
  readonly escaped: string;
}

/**
 * Parses a replacement as Rust's `Regex::replace_all` does: `$1` and `$name` (the longest run of
 * letters, digits and `_`), `${1}` and `${name}`, `$$` for a literal `$`. A `$` that starts no
 * reference is kept as is; a group that does not exist or did not match expands to nothing.
 */
export function parseReplacement(target: string): Replacement {
  const parts: Part[] = [];
  let text = "";
  for (let i = 0; i < target.length; ) {
    const c = target[i]!;
    if (c !== "$") {
      text += c;
      i++;
      continue;
    }
    if (target[i + 1] === "$") {
      text += "$";
      i += 2;
      continue;
    }
    let name: string | undefined;
    let end = i + 1;
    if (target[i + 1] === "{") {
      const close = target.indexOf("}", i + 2);
      if (close !== -1 && close > i + 2) {
        name = target.slice(i + 2, close);
        end = close + 1;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(target.slice(i + 1));
      if (m) {
        name = m[0];
        end = i + 1 + m[0].length;
      }
    }
    if (name === undefined) {
      text += "$";
      i++;
      continue;
    }
    if (text) parts.push(text);
    text = "";
    parts.push(/^\d+$/.test(name) ? { group: Number(name) } : { name });
    i = end;
  }
  if (text) parts.push(text);
  const literal = parts.every((p) => typeof p === "string") ? parts.join("") : null;
  return { parts, literal, escaped: literal === null ? "" : literal.replace(/\$/g, "$$$$") };
}

/** One match's expansion; `args` are re2js's replacer arguments (match, groups…, offset, input, named groups). */
function expand(parts: readonly Part[], args: unknown[], groupCount: number): string {
  let out = "";
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else if ("group" in p) {
      if (p.group <= groupCount) out += (args[p.group] as string | undefined) ?? "";
    } else {
      const named = args[groupCount + 3] as Record<string, string | undefined> | undefined;
      out += (typeof named === "object" && named !== null ? named[p.name] : undefined) ?? "";
    }
  }
  return out;
}

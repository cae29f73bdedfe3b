// Compiles the config's regex strings. Configs written for Mentimeter's Linkup use Rust regex
// syntax; the common differences are translated so those files load unchanged:
// `(?P<name>...)` named groups and a leading `(?i)` case-insensitive flag.

export type RegexResult = { ok: true; regex: RegExp } | { ok: false; message: string };

export function compileRegex(source: string, extraFlags = ""): RegexResult {
  let pattern = source.replace(/\(\?P</g, "(?<");
  let flags = extraFlags;
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  if (inline) {
    pattern = pattern.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== "x" && !flags.includes(f)) flags += f;
  }
  try {
    return { ok: true, regex: new RegExp(pattern, flags) };
  } catch (e) {
    return { ok: false, message: (e as Error).message.replace(/^Invalid regular expression: /, "") };
  }
}

/** Rust replacement syntax (`${1}`, `${name}`) to JavaScript's (`$1`, `$<name>`). `$1` and `$$` are shared. */
export function toJsReplacement(target: string): string {
  return target.replace(/\$\{(\w+)\}|\$\$/g, (m, g: string | undefined) => {
    if (m === "$$") return "$$";
    return /^\d+$/.test(g!) ? `$${g}` : `$<${g}>`;
  });
}

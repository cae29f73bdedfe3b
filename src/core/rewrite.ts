// Path rewrites: each rule's regex is compiled once per session; rules apply in order, each to
// the result of the previous one, replacing every match. Targets use Rust's replacement syntax
// ($1, ${1}, $name, ${name}, $$), as in Mentimeter's Linkup.
import type { Rewrite } from "./config.js";
import { compileRegex, parseReplacement, type CompiledRegex, type Replacement } from "./regex.js";

export interface CompiledRewrite {
  readonly regex: CompiledRegex;
  readonly replacement: Replacement;
}

export function compileRewrites(rewrites: readonly Rewrite[]): CompiledRewrite[] {
  return rewrites.map((r) => {
    const compiled = compileRegex(r.source);
    // Specs are validated before they are compiled; a bad regex here is a programming error.
    if (!compiled.ok) throw new Error(`invalid rewrite regex ${JSON.stringify(r.source)}: ${compiled.message}`);
    return { regex: compiled.regex, replacement: parseReplacement(r.target) };
  });
}

export function applyRewrites(path: string, rewrites: readonly CompiledRewrite[]): string {
  let out = path;
  for (const r of rewrites) out = r.regex.replaceAll(out, r.replacement);
  return out;
}

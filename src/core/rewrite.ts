// Path rewrites: each rule's regex is compiled once per session; rules apply in order, each to
// the result of the previous one, replacing every match. Targets use Rust's replacement syntax
// ($1, ${1}, $name, ${name}, $$), as in Mentimeter's Linkup.
import type { Rewrite } from "./config.js";
import { compileRegex, parseReplacement, type CompiledRegex, type Replacement } from "./regex.js";

export interface CompiledRewrite {
  readonly regex: CompiledRegex;
  readonly replacement: Replacement;
  /** The rule as configured (what explanations and request records show). */
  readonly rule: Rewrite;
}

export function compileRewrites(rewrites: readonly Rewrite[]): CompiledRewrite[] {
  return rewrites.map((r) => {
    const compiled = compileRegex(r.source);
    // Specs are validated before they are compiled; a bad regex here is a programming error.
    if (!compiled.ok) throw new Error(`invalid rewrite regex ${JSON.stringify(r.source)}: ${compiled.message}`);
    return { regex: compiled.regex, replacement: parseReplacement(r.target), rule: r };
  });
}

export function applyRewrites(path: string, rewrites: readonly CompiledRewrite[]): string {
  let out = path;
  for (const r of rewrites) out = r.regex.replaceAll(out, r.replacement);
  return out;
}

/** Each rule that changed the path, with the path before and after it (for explanations; not on the hot path). */
export function rewriteSteps(path: string, rewrites: readonly CompiledRewrite[]): { rule: Rewrite; before: string; after: string }[] {
  const steps: { rule: Rewrite; before: string; after: string }[] = [];
  let out = path;
  for (const r of rewrites) {
    const next = r.regex.replaceAll(out, r.replacement);
    if (next !== out) steps.push({ rule: r.rule, before: out, after: next });
    out = next;
  }
  return steps;
}

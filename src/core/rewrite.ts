// Path rewrites: each rule's regex is compiled once per session; rules apply in order, each to
// the result of the previous one, replacing every match ($1-style backreferences allowed).
import type { Rewrite } from "./config.js";
import { compileRegex, toJsReplacement } from "./regex.js";

export interface CompiledRewrite {
  readonly regex: RegExp;
  readonly replacement: string;
  /** The rule as configured (what explanations and request records show). */
  readonly rule: Rewrite;
}

export function compileRewrites(rewrites: readonly Rewrite[]): CompiledRewrite[] {
  return rewrites.map((r) => {
    const compiled = compileRegex(r.source, "g");
    // Specs are validated before they are compiled; a bad regex here is a programming error.
    if (!compiled.ok) throw new Error(`invalid rewrite regex ${JSON.stringify(r.source)}: ${compiled.message}`);
    return { regex: compiled.regex, replacement: toJsReplacement(r.target), rule: r };
  });
}

export function applyRewrites(path: string, rewrites: readonly CompiledRewrite[]): string {
  let out = path;
  for (const r of rewrites) {
    r.regex.lastIndex = 0;
    out = out.replace(r.regex, r.replacement);
  }
  return out;
}

/** Each rule that changed the path, with the path before and after it (for explanations; not on the hot path). */
export function rewriteSteps(path: string, rewrites: readonly CompiledRewrite[]): { rule: Rewrite; before: string; after: string }[] {
  const steps: { rule: Rewrite; before: string; after: string }[] = [];
  let out = path;
  for (const r of rewrites) {
    r.regex.lastIndex = 0;
    const next = out.replace(r.regex, r.replacement);
    if (next !== out) steps.push({ rule: r.rule, before: out, after: next });
    out = next;
  }
  return steps;
}

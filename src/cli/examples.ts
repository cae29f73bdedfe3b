// Each command's examples, written once in its definition, rendered twice: the `Examples:` block
// of `--help` (as kubectl prints it) and the block in docs/cli.md (between
// `<!-- examples: NAME -->` markers; `npm run docs:cli` rewrites them, a test keeps them equal).
import type { AnyCommand, Example } from "./command.js";

/** `--help`'s block: a `#` comment, then the command, per example. */
export function examplesText(examples: readonly Example[]): string {
  return ["Examples:", ...examples.flatMap((e, i) => [...(i > 0 ? [""] : []), `  # ${e.description}`, `  ${e.command}`])].join("\n");
}

/** docs/cli.md's block for one command, markers included. */
export function examplesMarkdown(def: AnyCommand): string {
  const body = def.examples.flatMap((e: Example, i: number) => [...(i > 0 ? [""] : []), `# ${e.description}`, e.command]);
  return [`<!-- examples: ${def.name} -->`, "```sh", ...body, "```", "<!-- /examples -->"].join("\n");
}

const BLOCK = /<!-- examples: ([a-z_ -]+) -->\n[\s\S]*?<!-- \/examples -->/g;

/** docs/cli.md with every examples block rewritten from the definitions; unknown names are left alone. */
export function withExamples(markdown: string, defs: readonly AnyCommand[]): string {
  return markdown.replace(BLOCK, (block, name: string) => {
    const def = defs.find((d) => d.name === name);
    return def ? examplesMarkdown(def) : block;
  });
}

/** The command names the document has a block for. */
export function documentedExamples(markdown: string): string[] {
  return [...markdown.matchAll(BLOCK)].map((m) => m[1]!);
}

#!/usr/bin/env node
// `npm run docs:cli`: rewrites every `<!-- examples: NAME -->` block of docs/cli.md from the
// command definitions (the same examples `linkup NAME --help` shows). Needs `npm run build`.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { commands } = await import(new URL("../dist/cli/commands/index.js", import.meta.url).href);
const { withExamples } = await import(new URL("../dist/cli/examples.js", import.meta.url).href);
const file = `${root}docs/cli.md`;
const before = readFileSync(file, "utf8");
const after = withExamples(before, commands);
if (after !== before) writeFileSync(file, after);
process.stderr.write(after === before ? "docs/cli.md: examples already match\n" : "docs/cli.md: examples rewritten\n");

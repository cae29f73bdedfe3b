// docs/cli.md shows each command's examples exactly as `--help` does: both come from the
// command definitions (`npm run docs:cli` rewrites the document's blocks).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "./commands/index.js";
import { documentedExamples, examplesMarkdown, withExamples } from "./examples.js";

const docs = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");

describe("docs/cli.md examples", () => {
  it("has one block per command, and no block for a command that does not exist", () => {
    const visible = commands.filter((c) => !c.hidden).map((c) => c.name);
    expect(documentedExamples(docs).sort()).toEqual([...visible].sort());
  });

  it("shows the examples the definitions hold (run `npm run docs:cli` after changing one)", () => {
    for (const def of commands.filter((c) => !c.hidden)) expect(docs, def.name).toContain(examplesMarkdown(def));
    expect(withExamples(docs, commands)).toBe(docs);
  });
});

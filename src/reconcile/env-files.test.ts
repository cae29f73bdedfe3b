import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { END_MARKER, injectBlock, injectEnvFiles, removeBlock, removeEnvFiles } from "./env-files.js";

const begin = "# >>> linkup: begin (generated from .env.development.linkup; edit that file, not this block) >>>";

describe("injectBlock / removeBlock", () => {
  it("appends the block after the existing lines", () => {
    expect(injectBlock("A=1\nB=2\n", "API_URL=x\n", ".env.development.linkup")).toBe(`A=1\nB=2\n${begin}\nAPI_URL=x\n${END_MARKER}\n`);
  });

  it("starts a new line when the file does not end with one", () => {
    expect(injectBlock("A=1", "X=1", ".env.development.linkup")).toBe(`A=1\n${begin}\nX=1\n${END_MARKER}\n`);
  });

  it("creates the block alone in an empty file", () => {
    expect(injectBlock("", "X=1\n\n", ".env.development.linkup")).toBe(`${begin}\nX=1\n${END_MARKER}\n`);
  });

  it("is idempotent and refreshes the block in place", () => {
    const once = injectBlock("A=1\n", "X=1\n", ".env.development.linkup");
    expect(injectBlock(once, "X=1\n", ".env.development.linkup")).toBe(once);
    const withAfter = once + "LATER=1\n";
    expect(injectBlock(withAfter, "X=2\n", ".env.development.linkup")).toBe(`A=1\n${begin}\nX=2\n${END_MARKER}\nLATER=1\n`);
  });

  it("removal restores the original text exactly", () => {
    for (const original of ["", "A=1\n", "A=1\n\n# comment\nB=2\n"]) {
      expect(removeBlock(injectBlock(original, "X=1\nY=2\n", ".env.development.linkup"))).toBe(original);
    }
    expect(removeBlock("A=1\n")).toBe("A=1\n");
  });

  it("keeps lines after the block when removing", () => {
    const text = `A=1\n${begin}\nX=1\n${END_MARKER}\nB=2\n`;
    expect(removeBlock(text)).toBe("A=1\nB=2\n");
  });
});

describe("injectEnvFiles / removeEnvFiles", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips a directory and changes nothing the second time", () => {
    dir = mkdtempSync(join(tmpdir(), "linkup-env-"));
    writeFileSync(join(dir, ".env.development"), "KEEP=1\n");
    writeFileSync(join(dir, ".env.development.linkup"), "API_URL=https://x\n");
    writeFileSync(join(dir, ".env.test.linkup"), "T=1\n");
    expect(injectEnvFiles([dir]).map((c) => c.file.split("/").pop())).toEqual([".env.development", ".env.test"]);
    expect(readFileSync(join(dir, ".env.development"), "utf8")).toContain("API_URL=https://x");
    expect(injectEnvFiles([dir])).toEqual([]);
    expect(removeEnvFiles([dir]).length).toBe(2);
    expect(readFileSync(join(dir, ".env.development"), "utf8")).toBe("KEEP=1\n");
    expect(readFileSync(join(dir, ".env.test"), "utf8")).toBe("");
    expect(readFileSync(join(dir, ".env.development.linkup"), "utf8")).toBe("API_URL=https://x\n");
    expect(removeEnvFiles([dir])).toEqual([]);
    expect(existsSync(join(dir, ".env.development.linkup"))).toBe(true);
  });
});

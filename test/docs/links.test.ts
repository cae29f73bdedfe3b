// Every relative link in README.md and docs/ resolves: the file exists in the repository, and an
// #anchor names a heading of the page it points at (as GitHub renders it). Repository paths written
// as code (`src/...`, `test/...`) exist too. Pages other engineers are writing in parallel are
// listed in PENDING_PAGES: links to them pass until they exist, then they are checked like any page.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, docFiles, githubSlug, parseMarkdown, type MarkdownFile } from "./markdown.js";

/** Being written in parallel (issue 18); delete an entry once its page has landed. */
export const PENDING_PAGES = ["docs/security.md"];

const files = docFiles().map(parseMarkdown);
const byPath = new Map<string, MarkdownFile>(files.map((f) => [f.path, f]));

function anchorsOf(path: string): Set<string> | undefined {
  if (!path.endsWith(".md") || !existsSync(path)) return undefined;
  let f = byPath.get(path);
  if (!f) {
    f = parseMarkdown(path);
    byPath.set(path, f);
  }
  return f.anchors;
}

/** Problems with one link target, or [] when it resolves. */
export function checkLink(from: string, target: string): string[] {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return []; // http(s):, mailto: ... (external)
  const hash = target.indexOf("#");
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = pathPart === "" ? from : resolve(dirname(from), pathPart);
  const rel = relative(ROOT, file);
  if (rel.startsWith("..")) return [`${target}: points outside the repository`];
  if (!existsSync(file)) return PENDING_PAGES.includes(rel) ? [] : [`${target}: ${rel} does not exist`];
  if (anchor === undefined || anchor === "") return [];
  if (statSync(file).isDirectory()) return [`${target}: an anchor on a directory`];
  const anchors = anchorsOf(file);
  if (!anchors) return [`${target}: anchors are only checked in Markdown files, ${rel} is not one`];
  return anchors.has(anchor) ? [] : [`${target}: ${rel} has no heading with id "${anchor}"`];
}

describe("the documentation's links", () => {
  it("finds the pages and their links", () => {
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "docs/concepts.md", "docs/cli.md", "docs/configuration.md"]));
    expect(files.reduce((n, f) => n + f.links.length, 0)).toBeGreaterThan(40);
  });

  for (const f of files)
    it(`${f.name}: every relative link and anchor resolves`, () => {
      const problems = f.links.flatMap((l) => checkLink(f.path, l.text).map((p) => `${f.name}:${l.line}: ${p}`));
      expect(problems).toEqual([]);
    });

  for (const f of files)
    it(`${f.name}: every repository path written as code exists`, () => {
      const problems = f.codeSpans
        .filter((s) => /^(src|test|bench|examples|scripts|\.ci)\/[\w./-]*$/.test(s.text) && !s.text.includes("..."))
        .filter((s) => !existsSync(join(ROOT, s.text)))
        .map((s) => `${f.name}:${s.line}: \`${s.text}\` does not exist`);
      expect(problems).toEqual([]);
    });

  it("the checker itself: catches a missing file and a wrong anchor, knows GitHub's ids, lets pending pages through", () => {
    const readme = join(ROOT, "README.md");
    expect(checkLink(readme, "docs/no-such-page.md")).toHaveLength(1);
    expect(checkLink(readme, "docs/concepts.md#no-such-heading")).toHaveLength(1);
    expect(checkLink(readme, "docs/concepts.md#the-urls-linkup-prints")).toEqual([]);
    expect(checkLink(readme, "#quick-start")).toEqual([]);
    expect(checkLink(readme, "../outside.md")).toHaveLength(1);
    expect(checkLink(readme, "https://example.com/x#y")).toEqual([]);
    for (const page of PENDING_PAGES) if (!existsSync(join(ROOT, page))) expect(checkLink(readme, page)).toEqual([]);
    expect(githubSlug("`linkup diff [-f FILE] [--prune] [-o text|json]`")).toBe("linkup-diff--f-file---prune--o-textjson");
    expect(githubSlug("Ports, state files and settings")).toBe("ports-state-files-and-settings");
  });
});

describe("the README", () => {
  const readme = files.find((f) => f.name === "README.md")!;
  const lines = readFileSync(readme.path, "utf8").split("\n");
  it("shows the two fresh-machine commands on its first screen", () => {
    const firstScreen = lines.slice(0, 30).join("\n");
    expect(firstScreen).toContain("npm ci && npm run demo");
    expect(firstScreen).toMatch(/^npm test\b/m);
  });
  it("fits on a few screens", () => {
    expect(lines.length).toBeLessThanOrEqual(120);
  });
});

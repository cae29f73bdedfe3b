// Reading README.md and docs/*.md the way the documentation checks need: fenced code blocks (with
// their language), inline code spans, links, headings and the anchors GitHub gives them. Small and
// strict rather than a full CommonMark parser: the docs follow the few rules docs/development.md
// lists.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface Fence {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  lines: string[];
}

export interface Located {
  text: string;
  line: number;
}

export interface MarkdownFile {
  path: string;
  /** Relative to the repository root, for messages. */
  name: string;
  fences: Fence[];
  /** Inline code spans outside fences. */
  codeSpans: Located[];
  /** Link targets outside code: [text](target), ![alt](target), [ref]: target. */
  links: Located[];
  /** Heading ids as GitHub makes them (duplicates numbered), plus explicit <a id|name="..."> anchors. */
  anchors: Set<string>;
}

/** README.md and every .md under docs/. */
export function docFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : []));
  return [join(ROOT, "README.md"), ...walk(join(ROOT, "docs")).sort()];
}

/** GitHub's heading id: lowercase, punctuation and symbols dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

function lineAt(text: string, offset: number, firstLine: number): number {
  let n = firstLine;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function parseMarkdown(path: string): MarkdownFile {
  const all = readFileSync(path, "utf8").split("\n");
  const fences: Fence[] = [];
  const prose: { text: string; line: number }[] = [];
  let open: { fence: string; fenceInfo: Fence } | undefined;
  let chunk: string[] = [];
  let chunkStart = 1;
  const flush = (next: number) => {
    if (chunk.length) prose.push({ text: chunk.join("\n"), line: chunkStart });
    chunk = [];
    chunkStart = next;
  };
  all.forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (open) {
      if (m && m[1]![0] === open.fence[0] && m[1]!.length >= open.fence.length && line.trim() === m[1]) {
        open = undefined;
        chunkStart = i + 2;
      } else open.fenceInfo.lines.push(line);
      return;
    }
    if (m) {
      flush(i + 2);
      const fence: Fence = { lang: m[2]!.toLowerCase(), line: i + 1, lines: [] };
      fences.push(fence);
      open = { fence: m[1]!, fenceInfo: fence };
      return;
    }
    if (chunk.length === 0) chunkStart = i + 1;
    chunk.push(line);
  });
  flush(all.length + 1);

  const codeSpans: Located[] = [];
  const links: Located[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const p of prose) {
    // Code spans first (a link inside backticks is not a link), then links in what is left.
    const masked = p.text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (whole, _ticks: string, body: string, offset: number) => {
      codeSpans.push({ text: body.replace(/\s*\n\s*/g, " ").trim(), line: lineAt(p.text, offset, p.line) });
      return whole.replace(/[^\n]/g, " ");
    });
    for (const m of masked.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ text: m[1]!, line: lineAt(masked, m.index!, p.line) });
    for (const m of masked.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) links.push({ text: m[1]!, line: lineAt(masked, m.index!, p.line) });
    for (const m of masked.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    // Headings: from the original text (code spans count, without their backticks).
    for (const m of p.text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
      const base = githubSlug(m[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
  }
  return { path, name: relative(ROOT, path), fences, codeSpans, links, anchors };
}

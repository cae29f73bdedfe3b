// The import boundaries of docs/architecture.md "Allowed imports", enforced: every import of every
// src/**/*.ts (static, type-only, re-export, lazy import() and import types) is checked against the
// table in that section, which this test reads, so the document and the check cannot drift.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

interface Rule {
  /** Folders and single modules ("machine/admin-token") this folder may import besides itself. */
  mayImport: string[];
  /** undefined: any package; else the packages allowed at run time ([] for none; `node:` is never in a list). */
  packages: string[] | undefined;
  /** The package rule covers everything the folder loads at run time, however indirectly. */
  transitive: boolean;
}

/** The table under "## Allowed imports" in docs/architecture.md. */
function readRules(markdown: string): Map<string, Rule> {
  const section = markdown.slice(markdown.indexOf("## Allowed imports"));
  const body = section.slice(0, section.indexOf("\n## ", 1) === -1 ? undefined : section.indexOf("\n## ", 1));
  const rules = new Map<string, Rule>();
  for (const line of body.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const folder = /^`([a-z-]+)`$/.exec(cells[1] ?? "")?.[1];
    if (!folder || cells.length < 5) continue;
    const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const packages = cells[3]!;
    rules.set(folder, {
      mayImport: names(cells[2]!),
      packages: packages === "any" ? undefined : packages.startsWith("none") ? [] : names(packages).filter((p) => p !== "node:"),
      transitive: /with everything it loads/.test(packages),
    });
  }
  return rules;
}

interface ImportRef {
  file: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
}

/** Every module specifier a file names, with whether it survives compilation. */
function importsOf(file: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec))
      out.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, specifier: spec.text, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Test code and test support may import anything (docs/architecture.md). */
const isTest = (path: string) =>
  /\.test\.ts$/.test(path) || path === "src/store/contract.ts" || path === "src/api/contract.ts" || path === "src/core/test-fixtures.ts";

const folderOf = (path: string) => path.split("/")[1]!;

function allowed(rule: Rule, from: string, target: string): boolean {
  const module = target.slice("src/".length).replace(/\.ts$/, "");
  return folderOf(target) === folderOf(from) || rule.mayImport.some((m) => module === m || module.startsWith(`${m}/`));
}

const packageOf = (spec: string) => (spec.startsWith("node:") ? spec : spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

/** Every import the rules forbid, as "file:line imports X (reason)". `files` maps src-relative paths to text. */
function violations(files: Map<string, string>, rules: Map<string, Rule>): string[] {
  const problems: string[] = [];
  const runtimeGraph = new Map<string, { internal: string[]; packages: { spec: string; line: number }[] }>();
  for (const [path, text] of files) {
    const node = { internal: [] as string[], packages: [] as { spec: string; line: number }[] };
    runtimeGraph.set(path, node);
    const rule = rules.get(folderOf(path));
    for (const ref of importsOf(path, text)) {
      if (ref.specifier.startsWith(".")) {
        const target = relative(root, resolve(root, dirname(path), ref.specifier)).replace(/\.js$/, ".ts");
        if (!ref.typeOnly) node.internal.push(target);
        if (isTest(path)) continue;
        if (!target.startsWith("src/")) problems.push(`${path}:${ref.line} imports ${target} (outside src/)`);
        else if (!rule) problems.push(`${path}:${ref.line}: folder ${folderOf(path)} is not in the table`);
        else if (!allowed(rule, path, target)) problems.push(`${path}:${ref.line} imports ${target} (${folderOf(path)} may not import ${folderOf(target)})`);
      } else if (!ref.typeOnly) node.packages.push({ spec: ref.specifier, line: ref.line });
    }
  }
  for (const [folder, rule] of rules) {
    if (rule.packages === undefined) continue;
    const roots = [...files.keys()].filter((p) => folderOf(p) === folder && !isTest(p));
    // Direct imports only, or (transitive) everything reachable at run time from the folder's files.
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const node = runtimeGraph.get(path);
      if (!node) continue;
      for (const { spec, line } of node.packages)
        if (!rule.packages.includes(packageOf(spec)))
          problems.push(`${path}:${line} imports ${spec}${roots.includes(path) ? "" : ` (loaded by ${folder})`} (${folder} may use ${rule.packages.length ? rule.packages.join(", ") : "no package"} at run time)`);
      if (rule.transitive) queue.push(...node.internal.filter((t) => !isTest(t)));
    }
  }
  return [...new Set(problems)];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * Known violations being fixed on another branch, as "file imports target" (none now: the local
 * wire types moved to src/core on api10). An entry that no longer occurs fails the test, so the
 * list cannot outlive the fix.
 */
const KNOWN: string[] = [];

describe("import boundaries (docs/architecture.md)", () => {
  const rules = readRules(readFileSync(join(root, "docs/architecture.md"), "utf8"));

  it("reads a rule for every folder under src/", () => {
    const folders = readdirSync(join(root, "src"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect([...rules.keys()].sort()).toEqual(folders.sort());
    expect(rules.get("core")).toEqual({ mayImport: [], packages: ["re2js"], transitive: false });
    expect(rules.get("worker")).toEqual({ mayImport: ["core", "store", "api", "clients/cloudflare-api"], packages: ["hono", "re2js"], transitive: true });
    expect(rules.get("api")).toEqual({ mayImport: ["core", "store"], packages: ["hono", "re2js"], transitive: true });
  });

  it("every import of src/ follows the table", () => {
    const files = new Map(sourceFiles("src").map((p) => [p, readFileSync(join(root, p), "utf8")]));
    const found = violations(files, rules);
    const known = (v: string) => KNOWN.find((k) => v.replace(/:\d+ /, " ").startsWith(k));
    expect(found.filter((v) => !known(v))).toEqual([]);
    expect(KNOWN.filter((k) => !found.some((v) => known(v) === k)), "fixed: remove these from KNOWN").toEqual([]);
  });

  it("catches each kind of forbidden arrow", () => {
    const files = new Map([
      ["src/operations/a.ts", `import type { X } from "../daemon/x.js";\nexport const a = 1;`],
      ["src/reconcile/b.ts", `export async function b() { return import("../operations/a.js"); }`],
      ["src/core/c.ts", `import { readFileSync } from "node:fs";\nimport type { T } from "json-schema-to-ts";\nimport { y } from "../machine/y.js";`],
      ["src/clients/d.ts", `import { readAdminToken } from "../machine/admin-token.js";\nimport { stateDir } from "../machine/state-dir.js";`],
      ["src/worker/e.ts", `import { Hono } from "hono";\nimport { s } from "../store/file-store.js";\nexport { z } from "../cli/z.js";`],
      ["src/store/file-store.ts", `import { readFile } from "node:fs/promises";`],
      ["src/daemon/x.ts", `export type X = number;`],
    ]);
    expect(violations(files, rules).sort()).toEqual(
      [
        "src/operations/a.ts:1 imports src/daemon/x.ts (operations may not import daemon)",
        "src/reconcile/b.ts:1 imports src/operations/a.ts (reconcile may not import operations)",
        "src/core/c.ts:3 imports src/machine/y.ts (core may not import machine)",
        "src/core/c.ts:1 imports node:fs (core may use re2js at run time)",
        "src/clients/d.ts:2 imports src/machine/state-dir.ts (clients may not import machine)",
        "src/worker/e.ts:3 imports src/cli/z.ts (worker may not import cli)",
        "src/store/file-store.ts:1 imports node:fs/promises (loaded by worker) (worker may use hono, re2js at run time)",
      ].sort(),
    );
  });
});

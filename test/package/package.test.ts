// What `npm install linkup` gets: the file list `npm pack` would publish (scripts skipped: the
// global setup has built dist/), checked against what the shipped code needs: the CLI entry, the
// worker bundle it runs and deploys, the schema the init modeline points at, every docs page a
// message or comment in dist/ names, and no source map pointing at the unshipped src/.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultWorkerBundle } from "../../src/infra/worker-bundle.js";

const root = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function packed(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [],
  );
}

describe("the published package", () => {
  const files = packed();

  it("ships the CLI, the worker bundle, the schema and the docs, and no source maps", () => {
    for (const f of ["bin/linkup.js", "dist/cli/main.bundle.js", "dist/worker/index.js", "dist/daemon/main.js", "linkup.schema.json", "README.md", "docs/configuration.md"])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
  });

  it("ships every docs page the shipped code points at", () => {
    const named = new Set<string>();
    for (const file of jsFiles(join(root, "dist"))) for (const m of readFileSync(file, "utf8").matchAll(/docs\/[a-z0-9-]+\.md/g)) named.add(m[0]);
    expect(named.size).toBeGreaterThan(0);
    for (const page of named) expect(files, `${page} is named in dist/ but not shipped`).toContain(page);
  });

  it("says where it lives and which Node versions it supports", () => {
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    // chokidar 5 and undici 7 need 20.19; write-file-atomic 7 leaves out 22.0-22.8.
    expect(pkg.engines.node).toBe("^20.19.0 || >=22.9.0");
  });

  it("an installed package (no src/, no wrangler.toml) deploys the worker bundle it ships", async () => {
    const fake = mkdtempSync(join(tmpdir(), "linkup-pkg-"));
    try {
      mkdirSync(join(fake, "dist", "worker"), { recursive: true });
      writeFileSync(join(fake, "dist", "worker", "index.js"), "export default {};\n");
      expect(await defaultWorkerBundle(fake)).toEqual({ mainModule: "index.js", modules: [{ name: "index.js", content: "export default {};\n" }] });
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

#!/usr/bin/env node
// Build: compile the Node side with tsc into dist/ (plus the dashboard's static files, copied),
// bundle the worker with esbuild into dist/worker/index.js (what Miniflare runs for the embedded default and the tests), and
// regenerate linkup.schema.json from src/core/config-schema.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, writeFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaOnly = process.argv.includes("--schema-only");

async function buildSchema() {
  const out = join(root, "dist-schema");
  await esbuild.build({
    entryPoints: [join(root, "src/core/config-schema.ts")],
    outfile: join(out, "config-schema.mjs"),
    format: "esm",
    bundle: true,
    logLevel: "error",
  });
  const { configSchema } = await import(join(out, "config-schema.mjs"));
  writeFileSync(join(root, "linkup.schema.json"), JSON.stringify(configSchema, null, 2) + "\n");
  execFileSync("rm", ["-rf", out]);
}

// The CLI validates configs with ajv; compiling the schema costs ~100 ms per process, so the
// build precompiles it to standalone code that config-file.ts loads when present.
async function buildValidator() {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  const standalone = (await import("ajv/dist/standalone/index.js")).default;
  const schema = JSON.parse(readFileSync(join(root, "linkup.schema.json"), "utf8"));
  const ajv = new Ajv2020({ allErrors: true, strict: false, code: { source: true, esm: true } });
  // Standalone ESM output still uses require() for its runtime helpers; turn them into imports.
  const helpers = [];
  const code = standalone(ajv, ajv.compile(schema)).replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_m, mod) => {
    helpers.push(mod);
    return `__helper${helpers.length - 1}`;
  });
  const imports = helpers.map((mod, i) => `import __helper${i} from "${mod}.js";\n`).join("");
  mkdirSync(join(root, "dist/config"), { recursive: true });
  writeFileSync(join(root, "dist/config/config-validator.js"), imports + code);
}

// `linkup --help` must start fast: the entry and every command definition (src/cli) are bundled
// into one module (each small ESM file costs a few ms to load). Imports of anything outside
// src/cli stay separate files in dist/, rewritten to be relative to the bundle, so a command still
// loads only its own handler.
async function buildCliEntry() {
  const outfile = join(root, "dist/cli/main.bundle.js");
  await esbuild.build({
    entryPoints: [join(root, "src/cli/main.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
    plugins: [
      {
        name: "lazy-imports-stay-in-dist",
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            const source = resolve(args.resolveDir, args.path);
            // Static imports inside src/cli are bundled. Everything else (lazy handlers, and core
            // modules such as errors.js) is loaded from dist/ as one shared instance, so the error
            // classes main.ts checks with instanceof are the ones the handlers throw.
            if (args.kind !== "dynamic-import" && source.startsWith(join(root, "src/cli") + "/")) return undefined;
            const compiled = source.replace(join(root, "src"), join(root, "dist"));
            const path = relative(dirname(outfile), compiled);
            return { path: path.startsWith(".") ? path : `./${path}`, external: true };
          });
        },
      },
    ],
  });
}

/**
 * Source maps would point at src/, which the package does not ship (tsconfig has sourceMap off);
 * remove any a build before that change left in dist/, so `npm pack` cannot pick them up.
 */
function removeStaleSourceMaps(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) removeStaleSourceMaps(path);
    else if (e.name.endsWith(".js.map")) rmSync(path, { force: true });
  }
}

await buildSchema();
if (!schemaOnly) {
  removeStaleSourceMaps(join(root, "dist"));
  // tsc emits even when types are wrong; type errors fail `npm run typecheck` (part of `npm test`),
  // not the build, so one engineer's half-typed file does not stop everyone else's tests.
  const tsc = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });
  if (tsc.status !== 0) console.error("build: tsc reported type errors (emitted anyway; `npm run typecheck` fails on them)");
  await buildValidator();
  await buildCliEntry();
  // The dashboard's page, style and script are served as they are (no bundling): copied beside
  // the compiled module that reads them.
  const assets = "daemon/admin/dashboard/assets";
  cpSync(join(root, "src", assets), join(root, "dist", assets), { recursive: true });
  mkdirSync(join(root, "dist/worker"), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, "src/worker/index.ts")],
    outfile: join(root, "dist/worker/index.js"),
    format: "esm",
    bundle: true,
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    logLevel: "error",
  });
}

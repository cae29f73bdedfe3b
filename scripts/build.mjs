#!/usr/bin/env node
// Build: compile the Node side with tsc into dist/, bundle the worker with esbuild into
// dist/worker/index.js (what Miniflare runs for the embedded default and the tests), and
// regenerate linkup.schema.json from src/core/config-schema.ts.
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
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

await buildSchema();
if (!schemaOnly) {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });
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

// Builds the worker bundle that infra deploy uploads: `wrangler deploy --dry-run --outdir <tmp>`
// (wrangler does the bundling exactly as a normal deploy would, but uploads nothing), then the
// emitted ES modules are read back and uploaded by cloudflare-client.ts through the Workers
// script API, so deploy controls bindings, secrets and idempotency itself. An installed package
// (no src/, no wrangler) deploys the bundle it ships instead (shippedBundle).
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { LinkupError } from "../core/errors.js";

export interface WorkerBundle {
  /** Part name of the entry module. */
  mainModule: string;
  modules: { name: string; content: string }[];
}

export interface WranglerBundleOptions {
  /** Directory holding wrangler.toml (the package root by default). */
  cwd: string;
  /** wrangler config file, relative to cwd; wrangler's own lookup when omitted. */
  config?: string;
}

export async function bundleWithWrangler(options: WranglerBundleOptions): Promise<WorkerBundle> {
  const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
  const outdir = await mkdtemp(join(tmpdir(), "linkup-worker-bundle-"));
  try {
    const args = [wrangler, "deploy", "--dry-run", "--outdir", outdir, ...(options.config ? ["--config", options.config] : [])];
    const result = await execa(process.execPath, args, {
      cwd: options.cwd,
      reject: false,
      env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "" },
      extendEnv: true,
      all: true,
    });
    if (result.exitCode !== 0) {
      throw new LinkupError("worker-bundle-failed", `wrangler could not bundle the worker (exit ${result.exitCode}): ${String(result.all).trim().split("\n").slice(-5).join(" | ")}`);
    }
    const files = (await readdir(outdir)).filter((f) => /\.(m?js)$/.test(f)).sort();
    if (files.length === 0) throw new LinkupError("worker-bundle-failed", `wrangler produced no JavaScript in ${outdir}`);
    const mainModule = files.includes("index.js") ? "index.js" : files[0]!;
    const modules = await Promise.all(files.map(async (f) => ({ name: basename(f), content: await readFile(join(outdir, f), "utf8") })));
    return { mainModule, modules };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * The bundle the package ships, `dist/worker/index.js` (esbuild, built from src/worker by
 * `npm run build`; the embedded default runs the same file under workerd). An installed package
 * has neither src/ nor wrangler (a dev dependency), so this is what it deploys.
 */
export async function shippedBundle(packageRoot: string): Promise<WorkerBundle> {
  const file = join(packageRoot, "dist", "worker", "index.js");
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch {
    throw new LinkupError("worker-bundle-missing", `the worker bundle ${file} does not exist`, { hint: "reinstall linkup, or run `npm run build` in a clone" });
  }
  return { mainModule: "index.js", modules: [{ name: "index.js", content }] };
}

/** In a clone (src/ and wrangler present): wrangler's bundle; in an installed package: the shipped one. */
export async function defaultWorkerBundle(packageRoot: string): Promise<WorkerBundle> {
  let haveWrangler = true;
  try {
    createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
  } catch {
    haveWrangler = false;
  }
  const inClone = haveWrangler && existsSync(join(packageRoot, "src", "worker", "index.ts")) && existsSync(join(packageRoot, "wrangler.toml"));
  return inClone ? bundleWithWrangler({ cwd: packageRoot }) : shippedBundle(packageRoot);
}

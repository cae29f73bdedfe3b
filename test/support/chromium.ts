// The browser the end-to-end tests drive with playwright-core: Debian's /usr/bin/chromium when it
// is installed, else the Chromium shipped inside the @sparticuz/chromium npm package (a dev
// dependency: `npm ci` brings it, nothing is downloaded at run time; its executablePath()
// unpacks the binary to /tmp once). Resolved once per test run in the global setup (two test
// files unpacking at the same time would race) and handed to tests with vitest's provide/inject.
// No --host-resolver-rules: Chromium resolves every `*.localhost` name to loopback by itself,
// which is what Linkup's printed URLs rely on.
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export interface ChromiumBinary {
  path: string;
  source: "debian" | "@sparticuz/chromium";
  /** Extra environment for the browser process: LD_LIBRARY_PATH when it runs on the packaged libraries. */
  env?: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    chromium: ChromiumBinary;
  }
}

/** Shared libraries the binary needs that the system lacks (`ldd` says "not found"). */
export function missingLibraries(binary: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  return out.split("\n").filter((l) => l.includes("not found")).map((l) => l.trim().split(/\s+/)[0]!);
}

/**
 * The NSS, NSPR and expat libraries the npm package ships for Amazon Linux (al2023.tar.br), for a
 * machine without them (a bare Debian has no libnss3). Unpacked once to <tmpdir>/linkup-chromium-libs
 * (into a temporary directory, then renamed, so two runs at once cannot see half a directory).
 */
export async function packagedLibraries(): Promise<string> {
  const dir = join(tmpdir(), "linkup-chromium-libs");
  if (existsSync(join(dir, "lib", "libnss3.so"))) return join(dir, "lib");
  const archive = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..", "..", "bin", "al2023.tar.br");
  const work = mkdtempSync(join(tmpdir(), "linkup-chromium-libs-"));
  try {
    await pipeline(createReadStream(archive), createBrotliDecompress(), createWriteStream(join(work, "libs.tar")));
    execFileSync("tar", ["-xf", join(work, "libs.tar"), "-C", work]);
    rmSync(join(work, "libs.tar"));
    try {
      renameSync(work, dir);
    } catch {
      // Another run got there first.
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return join(dir, "lib");
}

/**
 * Debian's Chromium if present, else the npm package's (unpacked on first use), running on the
 * package's own NSS libraries when the system has none (`libs: "always"` forces them, for tests).
 */
export async function findChromium(options: { libs?: "auto" | "always" } = {}): Promise<ChromiumBinary> {
  if (existsSync(DEBIAN_CHROMIUM) && options.libs !== "always") return { path: DEBIAN_CHROMIUM, source: "debian" };
  const { default: packaged } = await import("@sparticuz/chromium");
  const path = await packaged.executablePath();
  if (options.libs !== "always" && missingLibraries(path).length === 0) return { path, source: "@sparticuz/chromium" };
  const libs = await packagedLibraries();
  const ldPath = [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  return { path, source: "@sparticuz/chromium", env: { LD_LIBRARY_PATH: ldPath } };
}

/**
 * Flags for a test browser. Not the npm package's own list: that one turns web security off
 * (--disable-web-security), which would hide the CORS behaviour the tests check.
 */
export function chromiumArgs(binary: ChromiumBinary): string[] {
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  // The packaged build is a headless shell made for containers: one process, no zygote.
  if (binary.source === "@sparticuz/chromium") args.push("--no-zygote");
  return args;
}

function browserEnv(binary: ChromiumBinary): { env?: Record<string, string> } {
  return binary.env ? { env: { ...process.env, ...binary.env } as Record<string, string> } : {};
}

/** A headless Chromium (the binary findChromium picks); `args` are added to the usual flags (e.g. --host-resolver-rules). */
export async function launchChromium(args: string[] = [], binary?: ChromiumBinary): Promise<Browser> {
  const b = binary ?? (await findChromium());
  return chromium.launch({ executablePath: b.path, headless: true, args: [...chromiumArgs(b), ...args], ...browserEnv(b) });
}

/** A persistent context on a fresh profile directory (the caller removes it). */
export function launchChromiumContext(binary: ChromiumBinary, profileDir: string, viewport = { width: 900, height: 560 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: binary.path,
    headless: true,
    viewport,
    args: chromiumArgs(binary),
    ...browserEnv(binary),
  });
}

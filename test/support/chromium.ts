// The browser the end-to-end tests drive with playwright-core: Debian's /usr/bin/chromium when it
// is installed, else the Chromium shipped inside the @sparticuz/chromium npm package (a dev
// dependency: `npm ci` brings it, nothing is downloaded at run time; its executablePath()
// unpacks the binary to /tmp once). Resolved once per test run in the global setup (two test
// files unpacking at the same time would race) and handed to tests with vitest's provide/inject.
// No --host-resolver-rules: Chromium resolves every `*.localhost` name to loopback by itself,
// which is what Linkup's printed URLs rely on.
import { existsSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export interface ChromiumBinary {
  path: string;
  source: "debian" | "@sparticuz/chromium";
}

declare module "vitest" {
  export interface ProvidedContext {
    chromium: ChromiumBinary;
  }
}

/** Debian's Chromium if present, else the npm package's (unpacked on first use). */
export async function findChromium(): Promise<ChromiumBinary> {
  if (existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: "debian" };
  const { default: packaged } = await import("@sparticuz/chromium");
  return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
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

/** A persistent context on a fresh profile directory (the caller removes it). */
export function launchChromium(binary: ChromiumBinary, profileDir: string, viewport = { width: 900, height: 560 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: binary.path, headless: true, viewport, args: chromiumArgs(binary) });
}

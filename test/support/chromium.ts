// The browser for the tests: Debian's /usr/bin/chromium when installed, else the Chromium inside
// the @sparticuz/chromium npm package (no download at test time; playwright's own browsers are
// never installed). Launched headless through playwright-core.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export interface ChromiumBinary {
  executablePath: string;
  args: string[];
}

export async function chromiumBinary(): Promise<ChromiumBinary> {
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] };
  const { default: sparticuz } = await import("@sparticuz/chromium");
  return {
    executablePath: await sparticuz.executablePath(),
    // Its serverless defaults turn the same-origin policy off; the tests check behaviour that rests on it.
    args: sparticuz.args.filter((a) => a !== "--disable-web-security"),
  };
}

/** A headless Chromium; `args` are added to the binary's own (e.g. --host-resolver-rules). */
export async function launchChromium(args: string[] = []): Promise<Browser> {
  const binary = await chromiumBinary();
  return chromium.launch({ executablePath: binary.executablePath, args: [...binary.args, ...args], headless: true });
}

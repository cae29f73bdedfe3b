// Builds what the real-process tests run (the compiled CLI in dist/ and the worker bundle), and
// finds the browser for the end-to-end tests once (test/support/chromium.ts).
import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { findChromium } from "./support/chromium.js";

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.LINKUP_SKIP_BUILD !== "1") execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  project.provide("chromium", await findChromium());
}

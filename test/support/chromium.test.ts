// The browser the e2e tests use must start on a bare Debian too: the npm package's Chromium needs
// NSS (libnss3), which such a machine lacks, so it runs on the copy the package ships. This
// machine may have NSS; `libs: "always"` takes the packaged copy anyway and checks it is complete
// (ldd finds every library) and that Chromium loads a page on it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findChromium, launchChromiumContext, missingLibraries } from "./chromium.js";

describe("the packaged Chromium on its own libraries", () => {
  it("resolves every shared library from the packaged copy and loads a page", async () => {
    const binary = await findChromium({ libs: "always" });
    expect(binary.source).toBe("@sparticuz/chromium");
    const libs = binary.env!.LD_LIBRARY_PATH!.split(":")[0]!;
    const env = { ...process.env, LD_LIBRARY_PATH: binary.env!.LD_LIBRARY_PATH };
    expect(missingLibraries(binary.path, env)).toEqual([]);
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync("ldd", [binary.path], { encoding: "utf8", env })).toContain(`libnss3.so => ${libs}/libnss3.so`);
    const profile = await mkdtemp(join(tmpdir(), "linkup-chromium-test-"));
    const context = await launchChromiumContext(binary, profile);
    try {
      const page = await context.newPage();
      await page.setContent("<h1>packaged</h1>");
      expect(await page.textContent("h1")).toBe("packaged");
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }, 120_000);
});

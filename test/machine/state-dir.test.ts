// The state directory: LINKUP_HOME or ~/.linkup, created private to the user.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/core/settings.js";
import { stateDir, stateDirPath } from "../../src/machine/state-dir.js";

let base: string | undefined;
afterEach(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  base = undefined;
});

describe("stateDir", () => {
  it("uses LINKUP_HOME and creates it with mode 0700", () => {
    base = mkdtempSync(join(tmpdir(), "linkup-home-"));
    const dir = stateDir(parseSettings({ LINKUP_HOME: join(base, "nested", "home") }));
    expect(dir).toBe(join(base, "nested", "home"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("defaults to ~/.linkup and pins a relative LINKUP_HOME to the working directory", () => {
    expect(stateDirPath(parseSettings({}))).toBe(join(homedir(), ".linkup"));
    expect(stateDirPath(parseSettings({ LINKUP_HOME: "" }))).toBe(join(homedir(), ".linkup"));
    expect(stateDirPath(parseSettings({ LINKUP_HOME: "rel/home" }))).toBe(resolve("rel/home"));
  });
});
